/// The report's stylesheet and script, written beside the pages (no CDN, nothing fetched).
enum Assets {
    /// Loaded first in every page's <head>: records any uncaught error or rejected promise in
    /// `<html data-js-errors>`, so a headless browser's DOM dump shows it (the browser test
    /// relies on this; console messages are not in the dump).
    static let errorHook = """
        <script>(function(){function note(m){var d=document.documentElement;var p=d.getAttribute('data-js-errors');d.setAttribute('data-js-errors',(p?p+' | ':'')+m);}
        window.addEventListener('error',function(e){note(String(e.message||e.type)+' @'+(e.filename||(e.target&&(e.target.src||e.target.href))||'')+':'+(e.lineno||''));},true);
        window.addEventListener('unhandledrejection',function(e){note('unhandled rejection: '+e.reason);});})();</script>
        """

    static let css = """
        :root { --fg: #1d1d1f; --muted: #666; --line: #ddd; --accent: #0b57d0; --flag: #c00; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1200px; padding: 24px; }
        h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 20px 0 6px; }
        .muted { color: var(--muted); } a { color: var(--accent); }
        table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
        table.sortable th[aria-sort="ascending"]::after { content: " ▲"; } table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
        .verdict { font-size: 17px; margin: 6px 0; } .verdict b { font-weight: 600; }
        figure { margin: 12px 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
        figcaption { color: var(--muted); font-size: 13px; }
        .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
        .gallery figure { margin: 0; position: relative; } .gallery img { width: 100%; aspect-ratio: 1; object-fit: cover; display: block; border: 2px solid transparent; background: #f3f3f3; }
        .gallery figure.least img { border-color: var(--flag); }
        .gallery figcaption { font-size: 12px; }
        .flag { color: var(--flag); font-weight: 600; }
        .group { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; align-items: start; }
        .heatmap svg { max-width: 100%; height: auto; }
        nav { margin-bottom: 12px; }
        @media (max-width: 800px) { .group { grid-template-columns: 1fr; } }
        """

    /// Sorting for `table.sortable`: click a header to sort by it (numbers by `data-v`).
    static let js = """
        document.querySelectorAll('table.sortable').forEach(function (table) {
          var heads = table.querySelectorAll('th');
          heads.forEach(function (th, col) {
            th.addEventListener('click', function () {
              var asc = th.getAttribute('aria-sort') !== 'ascending';
              heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
              th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = a.cells[col], y = b.cells[col];
                var vx = x.getAttribute('data-v'), vy = y.getAttribute('data-v');
                var c = (vx !== null && vy !== null) ? (parseFloat(vx) - parseFloat(vy)) : x.textContent.localeCompare(y.textContent);
                if (isNaN(c)) { c = (vx === '' ? 1 : 0) - (vy === '' ? 1 : 0); }
                return asc ? c : -c;
              });
              rows.forEach(function (r) { body.appendChild(r); });
            });
          });
        });
        """
}
