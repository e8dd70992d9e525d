# SPDX-License-Identifier: BSD-2-Clause
"""rexecd benchmark: the table, the targets, the chart, the profile classes
(see bench/run.py)."""
import csv
import os
import pathlib
import subprocess
import tempfile
import time

from rxsys import log, sh, median

ROOT = pathlib.Path(__file__).resolve().parents[1]
NCPU = os.cpu_count() or 1


# --- the table -------------------------------------------------------------

COLS = ("rexecd", "rexecd_inetd", "netkit", "limit")
OURS = ("rexecd", "rexecd_inetd")


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def pooled_quantile(runs, q, field):
    """The q-quantile (nearest rank) of every latency of every run together
    (lat_ms); runs without them give the median of their own field."""
    lat = sorted(float(x) for r in runs for x in
                 str(r.get("lat_ms") or "").split(",") if x)
    if not lat:
        return median([float(r[field]) for r in runs
                       if float(r[field]) >= 0])
    i = min(len(lat), max(1, int(q * len(lat) + 0.999999)))
    return lat[i - 1]


def paired_extra(light):
    """Median over repetitions of (server's CPU - the limit's) per session."""
    lim = {r["rep"]: float(r["cpu_ms"]) for r in light.get("limit", [])}
    out = {}
    for s in COLS[:3]:
        d = [float(r["cpu_ms"]) - lim[r["rep"]] for r in light.get(s, [])
             if r.get("cpu_ms") is not None and r["rep"] in lim]
        out[s] = median(d)
    out["limit"] = 0.0 if lim else None
    return out


def build_table(lim, sess, light, xfer, idle, attack, k_idle):
    """Rows of (key, label, unit, {column: value})."""
    rows = []

    def add(key, label, unit, vals):
        rows.append((key, label, unit, vals))

    def sess_med(server, n, field):
        return median([float(r[field]) for r in sess.get((server, n), [])
                       if float(r[field]) >= 0])

    for n in (1, 8, 32):
        add(f"rate_{n}", f"sessions/s, {n} client{'s' if n > 1 else ''}",
            "1/s", {s: sess_med(s, n, "rate") for s in COLS})
    # latency quantiles over the runs pooled: a p99 from all repetitions'
    # sessions, not the median of a few per-run p99s of ~100 sessions each
    for n in (1, 32):
        for q in ("p50", "p99"):
            add(f"{q}_{n}", f"{q} latency, {n} client{'s' if n > 1 else ''}",
                "ms", {s: pooled_quantile(sess.get((s, n), []),
                                          int(q[1:]) / 100, f"{q}_ms")
                       for s in COLS})
    cpu = {s: median([float(r["cpu_ms"]) for n in (1, 8, 32)
                      for r in sess.get((s, n), [])]) for s in COLS}
    if cpu["limit"] is None:
        cpu["limit"] = lim["session_cpu_ms"]
    add("cpu", "server CPU per session", "ms", cpu)
    add("light_rate", "sessions/s, 1 client, light hash", "1/s",
        {s: median([float(r["rate"]) for r in light.get(s, [])])
         for s in COLS})
    add("light_cpu", "server CPU per session, light hash", "ms",
        {s: median([float(r["cpu_ms"]) for r in light.get(s, [])])
         for s in COLS})
    add("cpu_extra", "  beyond PAM + fork/exec", "ms", paired_extra(light))
    for mode in ("stdout", "stdin", "stderr"):
        add(mode, f"{mode} throughput", "GB/s",
            {**{s: median(xfer.get((s, mode), [])) for s in COLS[:3]},
             "limit": lim["tcp_gbps"]})
    add("pss", "PSS per idle session", "KiB",
        {s: idle[s]["pss_per_session"] if s in idle else None
         for s in COLS[:3]})
    add("procs", "processes per idle session", "",
        {s: idle[s]["procs_per_session"] if s in idle else None
         for s in COLS[:3]})
    add("idle_max", f"idle sessions held (of {k_idle})", "",
        {s: idle[s]["max_held"] if s in idle else None for s in COLS[:3]})
    for name, what in ATTACK_LABELS:
        runs = attack.get(name, {})
        sfx = "" if name == "flood" else "_" + name
        for key, label, unit in (
                ("legit_rate", "legit sessions/s", "1/s"),
                ("legit_ratio", "  x its rate alone", ""),
                ("legit_p99", "legit p99", "ms"),
                ("checks_per_s", "password checks/s (PAM)", "1/s"),
                ("answers_per_s", "answers/s (client)", "1/s"),
                ("listener_cpu_s", "listener CPU in the attack", "s")):
            add(key + sfx, f"{what}: {label}", unit,
                {s: median([r[key] for r in runs.get(s, [])
                            if r.get(key) is not None])
                 if s in runs else None for s in COLS[:3]})
    return rows


# The attacks of bench/run.py, as the table names them.
ATTACK_LABELS = (("flood", "attack 8 src"), ("spread", "attack 256 src"),
                 ("capped", "capped attack 8 src"))


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, int) or (unit == "" and float(v).is_integer()):
        return f"{int(v)}"
    a = abs(v)
    return f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else \
        f"{v:.2f}" if a >= 0.1 or a == 0 else f"{v:.3f}"


def ratio_cols(vals):
    return [ratio(vals.get(s), vals.get(other)) for s in OURS
            for other in ("netkit", "limit")]


def render_text(rows, header):
    head = ["metric", "unit", "rexecd", "inetd", "netkit", "limit",
            "rexecd/netkit", "rexecd/limit", "inetd/netkit", "inetd/limit"]
    body = []
    for key, label, unit, vals in rows:
        rs = ratio_cols(vals)
        body.append([label, unit, *(fmt(vals.get(c), unit) for c in COLS),
                     *("-" if r is None else f"{r:.2f}" for r in rs)])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    out = list(header)
    for r in [head] + body:
        out.append("  ".join(c.ljust(widths[i]) if i < 2 else
                             c.rjust(widths[i]) for i, c in enumerate(r)))
    return out


def render_csv(rows):
    out = ["metric,label,unit,rexecd,rexecd_inetd,netkit,limit,"
           "rexecd_vs_netkit,rexecd_vs_limit,inetd_vs_netkit,inetd_vs_limit"]
    for key, label, unit, vals in rows:
        cells = [key, f'"{label.strip()}"', unit]
        cells += ["" if vals.get(c) is None else f"{vals[c]:.6g}"
                  for c in COLS]
        cells += ["" if r is None else f"{r:.4f}" for r in ratio_cols(vals)]
        out.append(",".join(cells))
    return out


def check(lines, name, ok, detail):
    state = "n/a  " if ok is None else "MET  " if ok else "UNMET"
    lines.append(f"  {state} {name}: {detail}")
    return ok


def targets(rows, k_idle):
    """Evaluates the issue's targets for each of our two modes."""
    v = {key: vals for key, _, _, vals in rows}
    lines = ["Targets (ratios measured in this run):"]

    def r(key, s, other):
        return ratio(v[key].get(s), v[key].get(other))

    def ge(x, t):
        return None if x is None else x >= t

    def le(x, t):
        return None if x is None else x <= t

    def show(x):
        return "-" if x is None else f"{x:.2f}"
    for s in OURS:
        tag = "rexecd" if s == "rexecd" else "rexecd inetd"
        for n in (1, 32):
            a, b = r(f"rate_{n}", s, "limit"), r(f"rate_{n}", s, "netkit")
            ok = None if a is None or b is None else a >= 0.95 and b >= 0.97
            check(lines, f"{tag}: sessions/s, {n} client(s)", ok,
                  f"{show(a)} x limit (>= 0.95), {show(b)} x netkit "
                  "(>= 0.97)")
        x = r("cpu_extra", s, "netkit")
        check(lines, f"{tag}: CPU per session beyond PAM + fork/exec",
              le(x, 0.8), f"{show(x)} x netkit (<= 0.80)")
        x = r("p99_32", s, "netkit")
        check(lines, f"{tag}: p99 latency, 32 clients", le(x, 1.0),
              f"{show(x)} x netkit (<= 1.00)")
        for mode, t in (("stdout", 0.95), ("stdin", 0.95), ("stderr", 0.9)):
            x = r(mode, s, "netkit")
            check(lines, f"{tag}: {mode} throughput", ge(x, t),
                  f"{show(x)} x netkit (>= {t:.2f})")
        x = r("pss", s, "netkit")
        check(lines, f"{tag}: PSS per idle session", le(x, 2.0),
              f"{show(x)} x netkit (<= 2.00)")
        held = v["idle_max"].get(s)
        check(lines, f"{tag}: {k_idle} concurrent idle sessions",
              None if held is None else held >= k_idle and k_idle >= 1000,
              f"{fmt(held)} held" + ("" if k_idle >= 1000 else
                                     " (quick run: 1000 not tried)"))
    for key, what, t in (("legit_ratio", "64 uncapped clients, 8 sources",
                          0.9),
                         ("legit_ratio_spread",
                          "64 uncapped clients, 256 sources", 0.8)):
        x = v.get(key, {}).get("rexecd")
        check(lines, f"rexecd under attack ({what}): legit sessions/s",
              ge(x, t), f"{show(x)} x its rate alone just before "
              f"(>= {t:.2f})")
    x = r("checks_per_s", "rexecd", "netkit")
    check(lines, "rexecd under attack: password checks/s after 5 s",
          le(x, 0.1), f"{show(x)} x netkit's (<= 0.10)")
    return lines


def chart(rows, path, title):
    """Draws the table's ratios to netkit as a PNG (bench/chart.gp)."""
    with tempfile.TemporaryDirectory(prefix="rxbench-chart-") as tmp:
        return _chart(rows, path, title, pathlib.Path(tmp))


def _chart(rows, path, title, tmp):
    v = {key: vals for key, _, _, vals in rows}
    up = [("sessions/s 1 client", "rate_1"), ("sessions/s 8", "rate_8"),
          ("sessions/s 32", "rate_32"), ("stdout", "stdout"),
          ("stdin", "stdin"), ("stderr", "stderr"),
          ("legit/s under attack", "legit_rate")]
    down = [("p99 latency 32", "p99_32"), ("CPU beyond PAM+exec", "cpu_extra"),
            ("PSS idle session", "pss"),
            ("attack checks/s", "checks_per_s")]

    def cell(x):
        if x is None or x < 0:
            return "NaN"
        return f"{max(x, 0.01):.4f}"    # 0 on a log axis: drawn as 0.01

    def write(name, items, cols):
        p = tmp / name
        with open(p, "w") as f:
            for label, key in items:
                vals = [ratio(v[key].get(c), v[key].get("netkit"))
                        for c in cols]
                f.write(f'"{label}" ' + " ".join(map(cell, vals)) + "\n")
        return p
    upf = write("up.dat", up, COLS[:2] + ("limit",))
    downf = write("down.dat", down, COLS[:2])
    script = ROOT / "bench" / "chart.gp"
    r = subprocess.run(["gnuplot", "-e", f"up='{upf}'; down='{downf}'; "
                        f"out='{path}'; title='{title}'", str(script)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        log(f"gnuplot failed: {r.stderr.strip()}")
    return r.returncode == 0


def machine_header(args, busy, elapsed=None):
    u = os.uname()
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    h = [f"rexecd benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
         f" ({'quick' if args.quick else 'full'} run"
         + (f", {elapsed:.0f} s" if elapsed else "") + ")",
         f"machine: {NCPU} x {cpu}, Linux {u.release}; "
         f"other load before the run: {busy * 100:.0f}% of the CPUs",
         "PAM: pam_unix (yescrypt hash, 2 s fail delay) for all servers;"
         " user shell /bin/sh; medians of interleaved runs", ""]
    return h


PROFILE_CLASSES = (
    # (class, test on one frame's (symbol, dso)), first match wins
    ("password hash (libcrypt)", lambda y, d: "libcrypt" in d),
    ("munmap (mostly yescrypt's 16 MiB work area)",
     lambda y, d: y == "__munmap"),
    ("PAM audit (libaudit resolves PAM_RHOST)", lambda y, d: "libaudit" in d),
    ("execve (kernel)", lambda y, d: y in (
        "bprm_execve", "do_execveat_common", "load_elf_binary",
        "begin_new_exec")),
    ("ld.so (loading libraries and PAM modules)", lambda y, d:
     "ld-linux" in d),
    ("fork", lambda y, d: y in ("copy_process", "kernel_clone", "dup_mm")),
    ("process exit", lambda y, d: y in ("do_exit", "exit_mmap", "mmput",
                                        "do_group_exit")),
    ("PAM (modules, libpam)", lambda y, d: "libpam" in d or "/security/"
     in d),
    ("TCP and sockets", lambda y, d: y.startswith(("tcp_", "inet_",
                                                   "__sys_connect",
                                                   "__sys_accept",
                                                   "sock_", "__sock_"))),
)


def classify(comm_, frames):
    """The cost class of one perf sample from its call chain."""
    if comm_ in ("sh", "true", "dash"):
        base = "the command (sh -c true)"
    elif comm_.startswith(("systemd-socket", "(activate)")):
        base = "inetd (systemd-socket-activate)"
    else:
        base = None
    for name, test in PROFILE_CLASSES:
        if any(test(y, d) for y, d in frames):
            if base and name.startswith(("execve", "ld.so")):
                return f"{base}: exec"
            return base or name
    return base or "other server work (libc, kernel)"


def perf_classes(data):
    """Sums perf samples (ns) per cost class."""
    r = sh("perf", "script", "-i", str(data), "-F",
           "comm,pid,period,ip,sym,dso", check=False)
    sums, frames, head = {}, [], None

    def flush():
        if head is not None:
            c = classify(head[0], frames)
            sums[c] = sums.get(c, 0) + head[1]
    for line in r.stdout.splitlines():
        if not line.strip():
            continue
        if not line.startswith(("\t", " ")):
            flush()
            parts = line.split()
            period = next((int(x) for x in reversed(parts) if x.isdigit()),
                          0)
            head, frames = (parts[0], period), []
            continue
        f = line.strip().split(None, 1)
        if len(f) == 2:
            sym, _, dso = f[1].rpartition(" (")
            frames.append((sym.split("+")[0], dso.rstrip(")")))
    flush()
    return sums



def rows_from_csv(path):
    """The table rows back from a latest.csv (to redraw the chart)."""
    rows = []
    with open(path) as f:
        for rec in csv.DictReader(f):
            vals = {c: float(rec[c]) if rec[c] else None for c in COLS}
            rows.append((rec["metric"], rec["label"], rec["unit"], vals))
    return rows
