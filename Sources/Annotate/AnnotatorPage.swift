import SCSScoring
/// The annotator's page: instructions, the two galleries side by side, the question and the
/// forced-choice buttons.
///
/// It works without JavaScript (the buttons submit a plain form, the server answers with a
/// redirect to the next prompt); the script adds the keyboard shortcuts, the full-size viewer and
/// a guard against double submits. Everything is sized from the viewport so both galleries and
/// the buttons fit one laptop screen (1366 × 768) without scrolling. Model names never appear:
/// the sets are "left" and "right", and image URLs carry random per-annotator tokens.
enum AnnotatorPage {
    struct Context {
        var trial: Trial
        var config: StudyConfig
        var token: String
        var csrf: String
        var nonce: String
    }

    static func render(_ c: Context) -> String {
        let t = c.trial
        let perSide = max(t.leftImages.count, t.rightImages.count, 1)
        let columns = perSide <= 2 ? perSide : Int((Double(perSide) * 1.25).squareRoot().rounded(.up))
        let rows = (perSide + columns - 1) / columns
        let base = "/a/\(c.token)"
        func gallery(_ side: String, _ images: [TrialImage]) -> String {
            let cells = images.enumerated().map { i, image in
                """
                <a class="thumb" href="\(base)/image/\(image.token)/full" data-full="\(base)/image/\(image.token)/full">\
                <img loading="lazy" decoding="async" src="\(base)/image/\(image.token)/thumb" alt="\(side) set, image \(i + 1)"></a>
                """
            }.joined(separator: "\n")
            return """
                <section class="gallery" id="gallery-\(side.lowercased())" aria-label="\(side) set">
                <h2>\(side) set</h2>
                <div class="grid">
                \(cells)
                </div>
                </section>
                """
        }
        let keysHelp =
            c.config.allowCantTell
            ? "<kbd>←</kbd>/<kbd>1</kbd> left, <kbd>→</kbd>/<kbd>2</kbd> right, <kbd>↓</kbd>/<kbd>0</kbd> can't tell"
            : "<kbd>←</kbd>/<kbd>1</kbd> left, <kbd>→</kbd>/<kbd>2</kbd> right"
        let cantTell =
            c.config.allowCantTell
            ? #"<button type="submit" name="choice" value="cant_tell" id="choose-cant-tell" class="neutral">Can't tell <kbd>0</kbd></button>"#
            : ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t.number) of \(t.total) · annotation</title>
            <style nonce="\(c.nonce)">
            \(Style.common)
            :root { --cols: \(columns); --rows: \(rows); }
            </style>
            </head>
            <body>
            <header>
              <div class="progress" id="progress" aria-live="polite"><strong>\(t.number) of \(t.total)</strong>
                <progress max="\(t.total)" value="\(t.answered)"></progress></div>
              <p class="instructions">Both sets were drawn for the same prompt. Judge how alike the images <em>within</em> each set
                are to each other (subject, composition, style), not which set you like more. Click an image to see it full size.
                Keys: \(keysHelp).</p>
            </header>
            <p class="prompt">Prompt: <q id="prompt-text">\(HTML.escape(t.prompt.text))</q></p>
            <main class="galleries">
            \(gallery("Left", t.leftImages))
            \(gallery("Right", t.rightImages))
            </main>
            <form method="post" action="\(base)/answer" class="answer" id="answer-form">
              <input type="hidden" name="csrf" value="\(c.csrf)">
              <input type="hidden" name="prompt" value="\(t.prompt.id)">
              <span class="question">\(HTML.escape(c.config.question))</span>
              <button type="submit" name="choice" value="left" id="choose-left">◀ Left set <kbd>1</kbd></button>
              \(cantTell)
              <button type="submit" name="choice" value="right" id="choose-right">Right set ▶ <kbd>2</kbd></button>
            </form>
            <div id="viewer" hidden><img alt="full size image"><p>Click or press Esc to close</p></div>
            <script nonce="\(c.nonce)">
            \(script)
            </script>
            </body>
            </html>
            """
    }

    static func done(total: Int, nonce: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Done · annotation</title>
        <style nonce="\(nonce)">\(Style.common)</style></head>
        <body><main class="message" id="done"><h1>All done, thank you</h1>
        <p>You answered all \(total) prompts. Your answers are saved; you can close this page.</p></main></body>
        </html>
        """
    }

    /// Keyboard shortcuts, the full-size viewer, and one submit per page.
    static let script = """
        (function () {
          var form = document.getElementById('answer-form');
          var viewer = document.getElementById('viewer');
          var sent = false;
          form.addEventListener('submit', function (e) {
            if (sent) { e.preventDefault(); return; }
            sent = true;
            form.classList.add('sending');
          });
          // Coming back with the Back button may restore this page as it was: allow answering again
          // (the server keeps the first answer to a prompt anyway).
          window.addEventListener('pageshow', function (e) {
            if (e.persisted) { sent = false; form.classList.remove('sending'); }
          });
          function choose(id) {
            var b = document.getElementById(id);
            if (b && !sent) { b.focus(); form.requestSubmit ? form.requestSubmit(b) : b.click(); }
          }
          function closeViewer() { viewer.hidden = true; viewer.querySelector('img').removeAttribute('src'); }
          document.querySelectorAll('a.thumb').forEach(function (a) {
            a.addEventListener('click', function (e) {
              e.preventDefault();
              viewer.querySelector('img').src = a.getAttribute('data-full');
              viewer.hidden = false;
            });
          });
          viewer.addEventListener('click', closeViewer);
          document.addEventListener('keydown', function (e) {
            if (e.altKey || e.ctrlKey || e.metaKey) return;
            if (!viewer.hidden) { if (e.key === 'Escape') closeViewer(); return; }
            if (e.key === 'ArrowLeft' || e.key === '1') { e.preventDefault(); choose('choose-left'); }
            else if (e.key === 'ArrowRight' || e.key === '2') { e.preventDefault(); choose('choose-right'); }
            else if (e.key === 'ArrowDown' || e.key === '0') { e.preventDefault(); choose('choose-cant-tell'); }
          });
        })();
        """
}

/// The style sheet all pages share.
enum Style {
    static let common = """
        * { box-sizing: border-box; }
        html, body { margin: 0; height: 100%; }
        body { font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2127; background: #f4f5f7;
               display: flex; flex-direction: column; }
        header { display: flex; gap: 16px; align-items: center; padding: 6px 16px; background: #fff; border-bottom: 1px solid #dde1e6; }
        .progress { white-space: nowrap; display: flex; gap: 8px; align-items: center; }
        .progress progress { width: 120px; }
        .instructions { margin: 0; color: #4a525c; font-size: 13px; }
        .prompt { margin: 6px 16px 0; font-size: 15px; }
        .prompt q { font-weight: 600; }
        .galleries { flex: 1; min-height: 0; display: flex; gap: 16px; justify-content: center; align-items: flex-start; padding: 4px 16px; }
        .gallery { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 4px 6px 6px; }
        .gallery h2 { margin: 0 0 4px; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: #4a525c; }
        /* Each thumbnail is as large as both the width (two galleries) and the height (header,
           prompt and buttons take ~170px) allow, so everything fits one screen. */
        .grid { --t: max(40px, min(calc((50vw - 40px) / var(--cols) - 6px), calc((100vh - 178px) / var(--rows) - 4px)));
                display: grid; grid-template-columns: repeat(var(--cols), var(--t)); gap: 4px; }
        .thumb { display: block; width: var(--t); height: var(--t); background: #e6e8eb; border-radius: 3px; overflow: hidden; }
        .thumb img { width: 100%; height: 100%; object-fit: cover; display: block; }
        .thumb:hover img, .thumb:focus img { outline: 3px solid #2f6feb; outline-offset: -3px; }
        .answer { display: flex; gap: 12px; align-items: center; justify-content: center; padding: 8px 16px;
                  background: #fff; border-top: 1px solid #dde1e6; }
        .question { font-weight: 600; font-size: 15px; margin-right: 8px; }
        .answer button { font: inherit; font-size: 15px; padding: 8px 20px; border-radius: 6px; border: 1px solid #2f6feb;
                         background: #2f6feb; color: #fff; cursor: pointer; min-width: 150px; }
        .answer button.neutral { background: #fff; color: #2f6feb; }
        .answer button:hover, .answer button:focus { filter: brightness(1.1); outline: 2px solid #1b4fb8; outline-offset: 2px; }
        .answer.sending button { opacity: .5; cursor: progress; }
        kbd { font: 12px ui-monospace, monospace; border: 1px solid currentColor; border-radius: 3px; padding: 0 4px; margin-left: 4px; opacity: .8; }
        .instructions kbd { margin-left: 0; }
        #viewer { position: fixed; inset: 0; background: rgba(0, 0, 0, .88); display: flex; flex-direction: column;
                  align-items: center; justify-content: center; cursor: zoom-out; z-index: 10; }
        #viewer[hidden] { display: none; }
        #viewer img { max-width: 96vw; max-height: 90vh; }
        #viewer p { color: #ccc; margin: 6px; }
        .message { max-width: 720px; margin: 48px auto; background: #fff; padding: 24px 32px; border-radius: 8px; border: 1px solid #dde1e6; }
        table { border-collapse: collapse; width: 100%; margin: 12px 0; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e8eb; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        """
}
