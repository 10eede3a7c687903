#!/usr/bin/env python3
"""Checks on ReserveSim's outputs, run by scripts/check-outputs.sh and scripts/export-notebooks.sh.

  check_outputs.py xlsx FOLDER YEARS        the spreadsheets LibreOffice made from run --csv hold numbers
  check_outputs.py notebook IN [--write OUT] validate with nbformat, execute with nbclient (optionally save)
  check_outputs.py png FILE WIDTH HEIGHT    a browser screenshot of the report: expected size, not blank
  check_outputs.py pdf FILE                 the report printed by the browser: A4 pages
  check_outputs.py exported RESERVESIM SCENARIO NOTEBOOK
                                            a committed notebook in notebooks-export/ is what
                                            scripts/export-notebooks.sh writes now (not stale), executed

Each prints what it checked and exits 1 with a message on the first failure.
"""
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import xml.etree.ElementTree as ET

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def sheet_rows(path):
    """The first sheet's rows as lists of (cell type, value): 's' for text, 'n' for a number."""
    with zipfile.ZipFile(path) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ET.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(SHEET + "t")) for si in root.iter(SHEET + "si")]
        root = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in root.iter(SHEET + "row"):
        cells = []
        for cell in row.iter(SHEET + "c"):
            kind = cell.get("t", "n")
            value = cell.findtext(SHEET + "v")
            if kind == "s":
                cells.append(("s", shared[int(value)]))
            elif kind in ("str", "inlineStr"):
                cells.append(("s", value or "".join(t.text or "" for t in cell.iter(SHEET + "t"))))
            else:
                cells.append(("n", float(value)) if value is not None else ("empty", None))
        rows.append(cells)
    return rows


def check_xlsx(folder, years):
    years = int(years)
    for name, expected_rows in (("yearly", years + 1), ("reserve", None)):
        rows = sheet_rows(f"{folder}/{name}.xlsx")
        if expected_rows is not None and len(rows) != expected_rows:
            fail(f"{name}.xlsx has {len(rows)} rows, expected {expected_rows}")
        if not all(kind == "s" for kind, _ in rows[0]):
            fail(f"{name}.xlsx: the header row is not all text")
        for number, row in enumerate(rows[1:], start=2):
            if not row or not all(kind == "n" for kind, _ in row):
                fail(f"{name}.xlsx row {number}: LibreOffice read text where numbers were written: {row}")
        print(f"ok: {name}.xlsx opens in LibreOffice: {len(rows) - 1} rows x {len(rows[0])} columns, all numbers")
    summary = {row[0][1]: row[1] for row in sheet_rows(f"{folder}/summary.xlsx")[1:] if len(row) == 2}
    for key in ("paths", "seed", "initialReserve", "ruinProbability", "requiredReserve95"):
        if summary.get(key, ("missing",))[0] != "n":
            fail(f"summary.xlsx: {key} is {summary.get(key)}, expected a number")
    if summary.get("scenario", ("missing",))[0] != "s" or summary.get("version", ("missing",))[0] != "s":
        fail("summary.xlsx: scenario and version should be text")
    print(f"ok: summary.xlsx opens in LibreOffice: {len(summary)} keys, figures are numbers")


def check_notebook(path, *options):
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    print(f"ok: {path} is a valid nbformat {notebook.nbformat}.{notebook.nbformat_minor} notebook")
    started = time.monotonic()
    # A local kernel over Unix sockets (ipc), not TCP; charts inline as PNG, as in Jupyter.
    kernel = KernelManager(kernel_name="python3", transport="ipc")
    try:
        NotebookClient(notebook, km=kernel, timeout=600, record_timing=False).execute()
    finally:
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)
    elapsed = time.monotonic() - started
    images = sum("image/png" in output.get("data", {}) for cell in notebook.cells for output in cell.get("outputs", []))
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    expected = expected_charts(notebook)
    if errors or images != expected:
        fail(f"{path}: {len(errors)} errors and {images} charts after executing (expected 0 and {expected})")
    print(f"ok: {path} executes headless with nbclient in {elapsed:.1f} s and draws {images} charts")
    if options[:1] == ("--write",):
        nbformat.write(notebook, options[1])


def expected_charts(notebook):
    """Three charts, and a fourth ranking the uncertain estimates when the scenario has any (SPEC §16)."""
    return 3 + any(cell.get("id") == "uncertainty-chart" for cell in notebook.cells)


def check_exported(reservesim, scenario, path):
    """The committed notebook is the one `reservesim notebook SCENARIO --paths P` writes now (P, the seed and the
    version from its own metadata), cell for cell, and it was executed: every code cell ran, no errors, all charts.
    """
    import nbformat

    exported = nbformat.read(path, as_version=4)
    nbformat.validate(exported)
    recorded = exported.metadata.get("reservesim") or {}
    if "paths" not in recorded:
        fail(f"{path}: no metadata.reservesim.paths; regenerate it with scripts/export-notebooks.sh")
    with tempfile.TemporaryDirectory() as folder:
        fresh_path = f"{folder}/fresh.ipynb"
        subprocess.run([reservesim, "notebook", scenario, "-o", fresh_path, "--paths", str(recorded["paths"])],
                       check=True, stdout=subprocess.DEVNULL)
        fresh = nbformat.read(fresh_path, as_version=4)
    stale = f"{path} is stale (not what {scenario} gives now): run scripts/export-notebooks.sh"
    if recorded != fresh.metadata.get("reservesim"):
        fail(f"{stale}; metadata.reservesim {recorded} != {fresh.metadata.get('reservesim')}")
    cells = [(cell.cell_type, cell.get("id"), cell.source) for cell in exported.cells]
    wanted = [(cell.cell_type, cell.get("id"), cell.source) for cell in fresh.cells]
    for number, (have, want) in enumerate(zip(cells, wanted), start=1):
        if have != want:
            fail(f"{stale}; cell {number} ({want[1]}) differs")
    if len(cells) != len(wanted):
        fail(f"{stale}; {len(cells)} cells, expected {len(wanted)}")
    code = [cell for cell in exported.cells if cell.cell_type == "code"]
    unexecuted = sum(cell.get("execution_count") is None for cell in code)
    errors = sum(output.output_type == "error" for cell in code for output in cell.outputs)
    images = sum("image/png" in output.get("data", {}) for cell in code for output in cell.outputs)
    if unexecuted or errors or images != expected_charts(exported):
        fail(f"{path}: {unexecuted} code cells not executed, {errors} errors, {images} charts "
             f"(expected 0, 0 and {expected_charts(exported)}): run scripts/export-notebooks.sh")
    print(f"ok: {path} is current ({recorded['paths']} paths, version {recorded.get('version')}) and executed "
          f"({images} charts)")


def check_png(path, width, height):
    from PIL import Image

    image = Image.open(path).convert("RGB")
    if image.size != (int(width), int(height)):
        fail(f"{path} is {image.size[0]}x{image.size[1]}, expected {width}x{height}")
    small = image.resize((image.size[0] // 4, image.size[1] // 4))
    data = small.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    inked = sum(1 for r, g, b in pixels if r + g + b < 600) / len(pixels)
    colours = len(set(pixels))
    blue = sum(1 for r, g, b in pixels if b > r + 15 and b > g + 5) / len(pixels)  # the charts' bands and lines
    if inked < 0.02 or colours < 50 or blue < 0.01:
        fail(f"{path} looks blank: {inked:.1%} inked, {colours} colours, {blue:.1%} chart blue")
    print(f"ok: {path} rendered: {image.size[0]}x{image.size[1]}, {inked:.1%} inked, {colours} colours, "
          f"{blue:.1%} chart blue")


def check_pdf(path):
    data = open(path, "rb").read()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    if not boxes:
        fail(f"{path}: no pages found")
    for width, height in boxes:
        if abs(float(width) - 595.3) > 2 or abs(float(height) - 841.9) > 2:
            fail(f"{path}: a page is {float(width):.0f}x{float(height):.0f} pt, expected A4 (595x842)")
    print(f"ok: {path} prints on {len(boxes)} A4 pages")


if __name__ == "__main__":
    checks = {"xlsx": check_xlsx, "notebook": check_notebook, "png": check_png, "pdf": check_pdf,
              "exported": check_exported}
    if len(sys.argv) < 3 or sys.argv[1] not in checks:
        fail(__doc__)
    checks[sys.argv[1]](*sys.argv[2:])
