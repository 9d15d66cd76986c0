#!/bin/sh
# Makes the PDFs under test/fixtures/pdf/ (and pdf-revised/) again from their LaTeX sources in
# test/fixtures/pdf-src/ (kept apart, so that indexing the PDF folder reads PDFs only).
# Needs Debian's texlive-latex-base (pdflatex), qpdf (the encrypted case) and mupdf-tools
# (mutool renders the scanned case); see ci-needs.txt. The PDFs are committed, so tests need none of them.
set -eu
cd "$(dirname "$0")/../test/fixtures/pdf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Reproducible output: fixed dates and IDs instead of the time of the build.
export SOURCE_DATE_EPOCH=1700000000 FORCE_SOURCE_DATE=1

latex() { # src/NAME.tex -> NAME.pdf
  (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error "$OLDPWD/../pdf-src/$1.tex" >/dev/null) || {
    tail -30 "$work/$1.log" >&2
    exit 1
  }
  cp "$work/$1.pdf" "$1.pdf"
}

for name in glacier-onecol flow-twocol beekeeping-noabstract invoice; do latex "$name"; done

# The same paper revised (same title and abstract, changed body): what re-indexing a changed PDF sees.
latex glacier-onecol-v2
mkdir -p ../pdf-revised
mv glacier-onecol-v2.pdf ../pdf-revised/glacier-onecol.pdf

# Encrypted: a user password is needed to open it.
qpdf --encrypt secret-user secret-owner 256 -- glacier-onecol.pdf broken-encrypted.pdf

# Scanned: a page that is only a picture of text (rendered with mupdf's mutool), no text layer.
latex scan-source
mutool draw -q -r 100 -o "$work/page.png" scan-source.pdf 1
rm scan-source.pdf
(cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error "$OLDPWD/../pdf-src/scanned.tex" >/dev/null)
cp "$work/scanned.pdf" broken-scanned.pdf

# Truncated: the first 40% of a good PDF, as an interrupted download leaves it.
size=$(wc -c < beekeeping-noabstract.pdf)
head -c $((size * 4 / 10)) beekeeping-noabstract.pdf > broken-truncated.pdf

ls -l *.pdf ../pdf-revised/*.pdf
