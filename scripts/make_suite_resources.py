"""The built-in prompt suites of `scs generate --suite`, written to Sources/Generate/Resources/Suites/.

    python3 scripts/make_suite_resources.py

Copies, byte for byte, from ../shared (the project's store of third-party files):
- PartiPrompts (Apache-2.0): suites/partiprompts/PartiPrompts.tsv, 1,632 prompts with their
  Category (12), Challenge (11) and Note, as google-research/parti published it;
- GenEval (MIT): suites/geneval/evaluation_metadata.jsonl, 553 prompts, each with its `tag`;
- the paper's prompts (MIT): paper/resources/prompts.txt, its first 100 lines (the paper scored
  the first 100 of 104).
Beside each goes its licence (<suite>.LICENSE) and where it came from (<suite>.SOURCE); scs
embeds all nine files in the binary (Package.swift: .embedInCode) and scripts/dist.sh puts the
licences and sources in the distribution's licenses/ folder. Needs only the standard library.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "Sources/Generate/Resources/Suites"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    parti = SHARED / "suites/partiprompts"
    geneval = SHARED / "suites/geneval"
    paper = SHARED / "paper/resources"
    copies = {
        "partiprompts.tsv": parti / "PartiPrompts.tsv",
        "partiprompts.LICENSE": parti / "LICENSE",
        "partiprompts.SOURCE": parti / "SOURCE",
        "geneval.jsonl": geneval / "evaluation_metadata.jsonl",
        "geneval.LICENSE": geneval / "LICENSE",
        "geneval.SOURCE": geneval / "SOURCE",
        "paper.LICENSE": paper / "LICENSE",
    }
    for name, source in copies.items():
        (OUT / name).write_bytes(source.read_bytes())
    lines = (paper / "prompts.txt").read_bytes().split(b"\n")
    (OUT / "paper.txt").write_bytes(b"\n".join(lines[:100]) + b"\n")
    (OUT / "paper.SOURCE").write_text(
        "B. Bent, \"Semantic Approach to Quantifying the Consistency of Diffusion Model Image Generation\", "
        "CVPR 2024 Workshops, arXiv 2404.08799: resources/prompts.txt of its public code "
        "(Hugging Face data set runsdata/semantic-consistency-score), the first 100 of its 104 lines\n")
    # The counts the tests pin, checked here too so a changed source is noticed at once.
    tsv = (OUT / "partiprompts.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    rows = [r.split("\t") for r in tsv[1:]]
    assert tsv[0].split("\t") == ["Prompt", "Category", "Challenge", "Note"], tsv[0]
    assert len(rows) == 1632 and len({r[1] for r in rows}) == 12 and len({r[2] for r in rows}) == 11
    assert sum(1 for line in (OUT / "geneval.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()) == 553
    print(f"wrote {len(copies) + 2} files to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
