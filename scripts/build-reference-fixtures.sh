#!/usr/bin/env bash
# Rebuilds the reference-list fixture PDFs (and their .bbl files) from test/fixtures/references/*.tex
# and library.bib with pdflatex + bibtex. The PDFs and .bbl files are committed, so tests and CI
# need no TeX; run this after changing a source. Needs: pdflatex, bibtex, natbib, the url package
# (Debian: texlive-latex-base texlive-latex-recommended texlive-bibtex-extra lmodern). The .bbl files
# go to bbl/, not beside the PDFs: a .bbl beside a PDF gives its references exactly (src/corpus/pdf.ts),
# and the fixtures are for the reader of reference lists in PDFs.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/references"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# Fixed dates and ids, so that a rebuild of unchanged sources gives the same bytes.
export SOURCE_DATE_EPOCH=1764979200 FORCE_SOURCE_DATE=1
for tex in *.tex; do
  name=${tex%.tex}
  [ "$name" = body ] && continue
  cp "$tex" body.tex library.bib "$build/"
  (
    cd "$build"
    pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null
    bibtex "$name" >/dev/null
    pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null
    pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >/dev/null
  )
  cp "$build/$name.pdf" .
  cp "$build/$name.bbl" bbl/
  echo "$name.pdf: $(grep -c '\\bibitem' "bbl/$name.bbl") references"
done
