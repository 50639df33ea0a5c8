"""Opens every Word file of a built site with python-docx (an independent reader): heading
styles are Word's own, every table has a repeated header row, the language is Danish, there are
no macros; and for Ishøj the text carries the appendix's figures (pdftotext of pdf/183.pdf)."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

site = Path(sys.argv[1])
files = sorted((site / "word").glob("*.docx"))
assert files, f"no Word files in {site}/word"
for f in files:
    with zipfile.ZipFile(f) as z:
        names = z.namelist()
        assert not any(n.endswith(".bin") or "vbaProject" in n for n in names), f"{f}: macros"
        styles = z.read("word/styles.xml").decode()
        assert '<w:lang w:val="da-DK"/>' in styles, f"{f}: document language is not da-DK"
    d = docx.Document(str(f))
    headings = [p for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert {p.style.name for p in headings} >= {"Heading 1", "Heading 2"}, f"{f}: {headings}"
    assert [p.text for p in headings if p.style.name == "Heading 1"][:2] == ["Resumé", "Sagsfremstilling"], f
    assert d.core_properties.language == "da-DK", f
    assert d.tables, f"{f}: no table"
    for t in d.tables:
        tr_pr = t.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None, f"{f}: no header row"
        assert all(c.text for c in t.rows[0].cells), f"{f}: empty header cell"
print(f"word: {len(files)} files open in python-docx; headings, header rows, da-DK")

word = docx.Document(str(site / "word/183.docx"))
text = "\n".join(p.text for p in word.paragraphs)
cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
pdf = subprocess.run(["pdftotext", str(site / "pdf/183.pdf"), "-"], capture_output=True, text=True, check=True).stdout
squash = lambda s: re.sub(r"\s+", " ", s)
first = squash(word.paragraphs[3].text)
assert first.startswith("Ishøj ligger nr."), first
assert first in squash(pdf), f"the first Resumé sentence is not in the PDF: {first}"
table = word.tables[0]
for row in table.rows[1:]:
    for value in [c.text for c in row.cells][1:]:
        assert value in pdf, f"{value} of the Word table is not in the PDF appendix"
for fact in ["nr. 80 af 98", "1.470", "1.530", "førtidspension og fleksjob", "Indstilling", "183.pdf"]:
    assert fact in text + " ".join(cells), fact
print(f"word/183.docx: the summary table's {len(table.rows) - 1} rows and the first sentence match pdf/183.pdf")
