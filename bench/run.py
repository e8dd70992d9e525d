#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""rexecd benchmark driver (run as root by `make bench`).

Starts this project's in.rexecd (standalone, and inetd mode under
systemd-socket-activate) and Debian's netkit in.rexecd (inetd mode under
systemd-socket-activate) with the same PAM stack and the same test user,
measures the machine's own limits in the same run, drives the servers with
build/bench/rxload (runs interleaved, medians kept), and writes the table
to bench/results/latest.{txt,csv,json} and the chart to docs/bench.png.

For the run it installs the benchmark's PAM stack as /etc/pam.d/rexec
(netkit's fixed service name) and adds hosts entries for the loopback
source addresses it uses (netkit answers "Where are you?" to an address
without a name).  Both files are restored afterwards, whatever happens;
a run killed outright is repaired by the next one (see SystemState).
"""
import argparse
import hashlib
import json
import os
import pathlib
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rxsys import (SHELL, NETKIT, SSA, AttackerGroup, Server,  # noqa: E402
                   SystemState, busy_fraction, descendants, log, make_user,
                   median, pam_stack, parse_kv, pss_kib, comm, sh)
from rxreport import (NCPU, ROOT, build_table, chart,  # noqa: E402
                      machine_header, perf_classes, render_csv, render_text,
                      rows_from_csv, targets)

ATTACK_CLIENTS = 64
ATTACK_WARM = 5.0
ATTACK_BASE = 8.0   # seconds of the legitimate client alone, before each
# The attacks: name -> (first source address, sources, attacker capped)
ATTACKS = {
    "flood": ("127.0.1.1", 8, False),       # 64 uncapped clients, 8 sources
    "spread": ("127.0.2.0", 256, False),    # the same from 256 sources
    "capped": ("127.0.1.1", 8, True),       # 8 sources, a quarter of a CPU
}
BENCH_NICE = -10
AUTOGROUP = "/proc/sys/kernel/sched_autogroup_enabled"
TIME_BUDGET = 840   # seconds; later repetitions of the attack are skipped

FULL = dict(reps=4, dur=4.0, warm={1: 0.5, 8: 1.0, 32: 2.0},
            xfer_size=512 << 20, xfer_reps=11, idle=1000, attack_dur=30.0,
            attack_reps=2, pam_count=20, fork_count=300, tcp_count=5,
            cpu_reps=4, cpu_dur=3.0)
QUICK = dict(reps=1, dur=2.0, warm={1: 0.3, 8: 0.5, 32: 1.0},
             xfer_size=256 << 20, xfer_reps=1, idle=100, attack_dur=10.0,
             attack_reps=1, pam_count=8, fork_count=100, tcp_count=3,
             cpu_reps=1, cpu_dur=2.0)


def attack_sources():
    """Every source address of the attacks, in order, once each."""
    out = []
    for src, n, _ in ATTACKS.values():
        a, b, c, d = (int(x) for x in src.split("."))
        first = (a << 24) | (b << 16) | (c << 8) | d
        for i in range(n):
            v = first + i
            addr = ".".join(str((v >> k) & 255) for k in (24, 16, 8, 0))
            if addr not in out:
                out.append(addr)
    return out


# --- the benchmark ---------------------------------------------------------

class Bench:
    def __init__(self, args, cfg, tmp):
        self.args, self.cfg, self.tmp = args, cfg, tmp
        self.build = pathlib.Path(args.build).resolve()
        self.rxload_bin = str(self.build / "bench" / "rxload")
        self.rxlimit = str(self.build / "bench" / "rxlimit")
        self.counter = str(self.build / "bench" / "rxcount")
        self.countfile = tmp / "pam-refused.log"
        self.servers = []
        self.t0 = time.monotonic()
        self.raw = {"runs": []}
        self.lim_samples = {k: [] for k in (
            "pam_cpu_ms", "pam_wall_ms", "fork_cpu_ms", "fork_wall_ms",
            "tcp_gbps")}

    # helpers running the load generator
    def env(self, account="yescrypt"):
        return dict(os.environ, RXLOAD_PASSWORD=self.accounts[account][1],
                    LC_ALL="C")

    def rxload(self, server, mode, *opts, timeout=300, account="yescrypt",
               cpus=None):
        argv = [self.rxload_bin, mode, "-p", str(server.port), "-u",
                self.accounts[account][0], *map(str, opts)]
        r = subprocess.run(argv, capture_output=True, text=True,
                           env=self.env(account), timeout=timeout,
                           preexec_fn=None if cpus is None else
                           lambda: os.sched_setaffinity(0, cpus))
        if r.returncode != 0:
            raise RuntimeError(f"rxload failed: {r.stderr.strip()}")
        res = parse_kv(r.stdout.strip().splitlines()[-1])
        if int(res.get("errors", 0)) > 0:
            log(f"{server.name} {mode}: {res['errors']} errors, first: "
                f"{res.get('first_error')}")
        return res

    def server_id(self):
        """The server binary's mtime and hash: did it change during the run?"""
        path = self.build / "in.rexecd"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        when = time.strftime("%Y-%m-%d %H:%M:%S",
                             time.localtime(path.stat().st_mtime))
        return f"{path.name} built {when}, sha256 {digest}"

    def setup(self, state):
        Server.state = state
        self.raw["server"] = self.server_id()
        self.user, self.password = make_user(state)
        self.accounts = {"yescrypt": (self.user, self.password),
                         "light": make_user(state, "SHA512", 1000, "rxtc")}
        self.countfile.touch(mode=0o600)
        stack = pam_stack(self.counter, self.countfile)
        self.service = "rxbench-" + secrets.token_hex(4)
        state.install_pam(stack, pathlib.Path("/etc/pam.d") / self.service)
        state.add_hosts(attack_sources())
        # This server's commands call setsid() and netkit's do not: with
        # autogroup each would get a CPU share of its own next to the
        # machine's other work.  Plain nice-based scheduling for the run.
        state.set_sysctl(AUTOGROUP, "0")
        ours = [str(self.build / "in.rexecd"), "--pam-service", self.service]
        self.servers = [
            Server("rexecd", "rexecd", ours + self.args.rexecd_opts.split(),
                   False, self.tmp),
            Server("rexecd_inetd", "rexecd inetd", ours, True, self.tmp),
            Server("netkit", "netkit", [NETKIT], True, self.tmp),
        ]
        self.by = {s.name: s for s in self.servers}
        log(f"user {self.user}, PAM service {self.service}; servers on "
            + ", ".join(f"{s.name}:{s.port}" for s in self.servers))

    def measure_limits(self, parts=("pam", "fork", "tcp"), scale=1.0):
        """The machine's own costs, sampled again at each repetition."""
        c = self.cfg
        n = max(1, int(c["pam_count"] * scale))
        if "pam" in parts:
            r = parse_kv(sh(self.rxlimit, "pam", self.service, self.user,
                            str(n), env=self.env()).stdout)
            self.lim_samples["pam_cpu_ms"].append(float(r["cpu_ms"]))
            self.lim_samples["pam_wall_ms"].append(float(r["wall_ms"]))
        if "fork" in parts:
            r = parse_kv(sh(self.rxlimit, "forkexec", SHELL,
                            str(max(1, int(c["fork_count"] * scale)))).stdout)
            self.lim_samples["fork_cpu_ms"].append(float(r["cpu_ms"]))
            self.lim_samples["fork_wall_ms"].append(float(r["wall_ms"]))
        if "tcp" in parts:
            r = parse_kv(sh(self.rxlimit, "tcp", str(c["xfer_size"]),
                            str(max(1, int(c["tcp_count"] * scale)))).stdout)
            self.lim_samples["tcp_gbps"].append(float(r["gbps"]))

    def limits(self):
        """Medians of every sample of the machine's limits."""
        lim = {k: median(v) for k, v in self.lim_samples.items()}
        lim["session_wall_ms"] = lim["pam_wall_ms"] + lim["fork_wall_ms"]
        lim["session_cpu_ms"] = lim["pam_cpu_ms"] + lim["fork_cpu_ms"]
        self.raw["limit_samples"] = self.lim_samples
        log("limits: " + ", ".join(f"{k} {v:.3f}" for k, v in lim.items()))
        return lim

    def order(self, servers, rep):
        k = rep % len(servers)
        return servers[k:] + servers[:k]

    def limit_loop(self, n, warm, dur, account="yescrypt"):
        """The ideal server at n clients: PAM login + fork/exec, no network."""
        r = parse_kv(sh(self.rxlimit, "loop", self.service,
                        self.accounts[account][0], SHELL, str(n), str(warm),
                        str(dur), env=self.env(account), timeout=300).stdout)
        r.update(server="limit", clients=n, mode="limit",
                 cpu_ms=float(r["cpu_ms"]))
        return r

    def sessions_phase(self):
        """Closed-loop `true` sessions: 1, 8, 32 clients; the three servers
        and the ideal one (limit_loop) take turns, in a rotating order."""
        c = self.cfg
        res = {}
        for rep in range(c["reps"]):
            self.measure_limits(("pam", "fork"), 0.5)
            for n in (1, 8, 32):
                for s in self.order(self.servers + ["limit"], rep):
                    if s == "limit":
                        r = self.limit_loop(n, c["warm"][n], c["dur"])
                    else:
                        r = self.one_sessions_run(s, n, c["warm"][n],
                                                  c["dur"])
                    r.update(rep=rep)
                    self.raw["runs"].append(r)
                    res.setdefault((r["server"], n), []).append(r)
                    log(f"sessions {r['server']} c={n}: {r['rate']}/s p99 "
                        f"{r['p99_ms']} ms" + (f" cpu {r['cpu_ms']:.2f} ms"
                                               if r.get("cpu_ms") else ""))
        return res

    def one_sessions_run(self, s, n, warm, dur, account="yescrypt"):
        """One run against a server, with its CPU per session."""
        s.settle()
        cpu0 = s.cpu()
        r = self.rxload(s, "sessions", "-c", n, "-w", warm, "-d", dur,
                        account=account)
        s.settle()
        total = int(r["total"])
        r["cpu_ms"] = (s.cpu() - cpu0) / total * 1e3 if total else None
        r.update(server=s.name, clients=n)
        return r

    def cpu_phase(self):
        """CPU per session beyond PAM and fork/exec, with a light hash.

        The yescrypt check costs about 40 ms and drifts by a few percent
        from one run to the next, more than the 1-3 ms measured here.  So
        this phase logs in with a second account whose password is a
        SHA-512 hash of 1000 rounds (same PAM stack): one client, each
        server and the limit in turn; each server run is paired with the
        limit run of the same repetition.
        """
        c = self.cfg
        res = {}
        for rep in range(c["cpu_reps"]):
            for s in self.order(self.servers + ["limit"], rep):
                if s == "limit":
                    r = self.limit_loop(1, 0.3, c["cpu_dur"], "light")
                else:
                    r = self.one_sessions_run(s, 1, 0.3, c["cpu_dur"],
                                              "light")
                r.update(rep=rep, mode="light")
                self.raw["runs"].append(r)
                res.setdefault(r["server"], []).append(r)
                log(f"light {r['server']}: {r['rate']}/s cpu "
                    f"{r['cpu_ms']:.2f} ms")
        return res

    def transfer_phase(self):
        """One big transfer per server and direction, interleaved.

        Where the scheduler puts the writer and the reader decides loopback
        throughput (the same CPU or not, one run to the next), and the
        data path is the same for every server: the command reads or
        writes the socket itself.  So on a machine with two CPUs or more,
        the client runs on CPU 0 and every server (hence every command it
        starts) on CPU 1, for this phase only.
        """
        c = self.cfg
        res = {}
        pin = len(os.sched_getaffinity(0)) >= 2
        client_cpus = {0} if pin else None
        try:
            if pin:
                for s in self.servers:
                    os.sched_setaffinity(s.pid, {1})
            for rep in range(c["xfer_reps"]):
                self.measure_limits(("tcp",), 0.2)
                for mode in ("stdout", "stdin", "stderr"):
                    for s in self.order(self.servers, rep):
                        res.setdefault((s.name, mode), []).append(
                            self.one_transfer(s, mode, rep, client_cpus))
        finally:
            for s in self.servers:
                os.sched_setaffinity(s.pid, os.sched_getaffinity(0))
        return res

    def one_transfer(self, s, mode, rep, cpus):
        s.settle()
        r = self.rxload(s, mode, "-s", self.cfg["xfer_size"], "-n", 1,
                        cpus=cpus)
        r.update(server=s.name, rep=rep)
        self.raw["runs"].append(r)
        log(f"{mode} {s.name}: {r.get('gbps')} GB/s")
        return float(r["gbps"]) if "gbps" in r else None

    def idle_one(self, s):
        """Opens K idle sessions (stderr channel, cat), measures, ends them."""
        k = self.cfg["idle"]
        s.settle()
        argv = [self.rxload_bin, "idle", "-p", str(s.port), "-u", self.user,
                "-k", str(k), "-c", "16", "-e", "-t", "60"]
        p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=self.env())
        try:
            held = int(parse_kv(p.stdout.readline()).get("held", 0))
            time.sleep(1.0)
            procs = descendants(s.pid, depth=True)
            roles = {}
            for q, d in procs:
                role = roles.setdefault(f"{d}:{comm(q)}", [0, 0])
                role[0] += 1
                role[1] += pss_kib(q)
            pss = sum(v[1] for v in roles.values())
            out, err = p.communicate("release\n", timeout=180)
        except BaseException:
            p.kill()
            p.wait()
            raise
        lines = [parse_kv(x) for x in out.strip().splitlines()]
        alive = int(lines[0].get("alive", 0)) if lines else 0
        last = lines[-1] if lines else {}
        r = dict(server=s.name, mode="idle", tried=k, held=held, alive=alive,
                 released=int(lines[0].get("released", 0)) if lines else 0,
                 errors=int(last.get("errors", 0)),
                 first_error=last.get("first_error", ""),
                 procs=len(procs), pss_kib=pss,
                 roles={k: dict(procs=v[0], pss_per_session=v[1] / max(1, held))
                        for k, v in sorted(roles.items())},
                 pss_per_session=pss / held if held else None,
                 procs_per_session=len(procs) / held if held else None)
        r["max_held"] = held if alive == held else alive
        self.raw["runs"].append(r)
        log(f"idle {s.name}: held {held}/{k} alive {alive}, "
            f"{r['procs_per_session']} procs/session, "
            f"{r['pss_per_session']} KiB PSS/session {r['first_error']}; "
            + ", ".join(f"{k} {v['procs']}x {v['pss_per_session']:.0f} KiB"
                        for k, v in r["roles"].items()))
        s.settle(timeout=60)
        return r

    def idle_phase(self):
        return {s.name: self.idle_one(s) for s in self.servers}

    def refused_checks(self, t0, t1):
        """Password checks pam_unix refused between two wall-clock times."""
        n = 0
        with open(self.countfile) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1] == self.user and \
                        t0 <= float(parts[0]) <= t1:
                    n += 1
        return n

    def legit_alone(self, s, dur):
        """The legitimate client's rate alone, right before an attack."""
        return float(self.rxload(s, "sessions", "-c", 1, "-w", 1.0, "-d",
                                 dur)["rate"])

    def attack_one(self, s, name, rep):
        """One legitimate client from 127.0.0.1 while 64 others guess
        passwords, a fresh connection per guess, each after the answer to
        the previous one.  The server starts fresh every time; the
        legitimate client's rate alone is measured first on it (so it
        has logged in before the attack, as a user of the host has).
        """
        src, nsrc, capped = ATTACKS[name]
        dur = self.cfg["attack_dur"]
        s.restart()
        alone = self.legit_alone(s, ATTACK_BASE)
        base = [self.rxload_bin, None, "-p", str(s.port), "-u", self.user]
        atk, leg = base.copy(), base.copy()
        atk[1], leg[1] = "attack", "sessions"
        atk += ["-c", str(ATTACK_CLIENTS), "-S", src, "-N", str(nsrc),
                "-d", str(dur), "-w", str(ATTACK_WARM)]
        leg += ["-c", "1", "-w", str(ATTACK_WARM), "-d",
                str(dur - ATTACK_WARM)]
        cpu0, own0 = s.cpu(), s.cpu(False)
        pa = subprocess.Popen(atk, stdout=subprocess.PIPE, text=True,
                              env=self.env(),
                              preexec_fn=self.idle.enter if capped else None)
        pl = subprocess.Popen(leg, stdout=subprocess.PIPE, text=True,
                              env=self.env())
        ol, _ = pl.communicate(timeout=dur + 120)
        oa = pa.stdout.read()
        _, _, ru = os.wait4(pa.pid, 0)
        pa.returncode = 0
        ra, rl = parse_kv(oa.strip()), parse_kv(ol.strip())
        cpu1, own1 = s.cpu(), s.cpu(False)
        s.settle()
        start = float(ra["start"])
        checks = self.refused_checks(start + ATTACK_WARM, start + dur)
        r = dict(server=s.name, mode="attack", attack=name, rep=rep,
                 legit_alone=alone,
                 legit_rate=float(rl["rate"]), legit_p99=float(rl["p99_ms"]),
                 legit_ratio=float(rl["rate"]) / alone if alone else None,
                 legit_errors=int(rl["errors"]),
                 legit_first_error=rl.get("first_error", ""),
                 checks_per_s=checks / (dur - ATTACK_WARM),
                 answers_per_s=float(ra["late_rate"]),
                 guesses=int(ra["total"]), refused=int(ra["refused"]),
                 closed=int(ra["closed"]), attack_errors=int(ra["errors"]),
                 attack_first_error=ra.get("first_error", ""),
                 server_cpu_s=cpu1 - cpu0,
                 # the listener alone (systemd-socket-activate for netkit)
                 listener_cpu_s=own1 - own0,
                 attacker_cpu_s=ru.ru_utime + ru.ru_stime)
        self.raw["runs"].append(r)
        log(f"attack {name} {s.name}: legit {r['legit_rate']}/s (alone "
            f"{alone}/s) p99 {r['legit_p99']} ms; PAM checks "
            f"{r['checks_per_s']:.1f}/s, answers {r['answers_per_s']}/s; "
            f"CPU server {r['server_cpu_s']:.1f} s (listener "
            f"{r['listener_cpu_s']:.2f} s), attacker "
            f"{r['attacker_cpu_s']:.1f} s")
        return r

    def attack_phase(self):
        self.idle = AttackerGroup()
        try:
            return self._attack_phase()
        finally:
            self.idle.remove()

    def _attack_phase(self):
        """{attack: {server: [runs]}}, the attacks interleaved."""
        res = {}
        targets = [self.by[n] for n in self.args.attack_servers.split(",")]
        for rep in range(self.cfg["attack_reps"]):
            if rep > 0 and time.monotonic() - self.t0 > TIME_BUDGET:
                log("attack: one repetition only, to finish in time")
                break
            for name in self.args.attacks.split(","):
                for s in self.order(targets, rep):
                    res.setdefault(name, {}).setdefault(s.name, []).append(
                        self.attack_one(s, name, rep))
        return res

    def stop(self):
        for s in self.servers:
            s.stop()


PROFILE_SECONDS = 8


def profile_one(bench, name, account):
    """perf samples of every server-side process during a one-client run
    (or of rxlimit loop for the limit); returns (sessions, data file)."""
    data = bench.tmp / f"{name}-{account}.perf"
    perf = ["perf", "record", "-q", "-g", "-F", "4999", "-e", "cpu-clock",
            "-o", str(data)]
    if name == "limit":
        out = sh(*perf, "--", bench.rxlimit, "loop", bench.service,
                 bench.accounts[account][0], SHELL, "1", "0",
                 str(PROFILE_SECONDS), env=bench.env(account)).stdout
        return int(parse_kv(out.strip().splitlines()[-1])["total"]), data
    s = bench.by[name]
    s.settle()
    rec = subprocess.Popen(perf + ["-p", str(s.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    r = bench.rxload(s, "sessions", "-c", 1, "-w", 0, "-d", PROFILE_SECONDS,
                     account=account)
    s.settle()
    rec.send_signal(signal.SIGINT)
    rec.wait(60)
    return int(r["total"]), data


def profile(bench, outdir):
    """Where a session's server-side CPU goes, by cost class (perf): one
    client running `true`, with the yescrypt and the light account."""
    names = ("rexecd", "rexecd_inetd", "netkit", "limit")
    lines = []
    outdir.mkdir(parents=True, exist_ok=True)
    for account in ("yescrypt", "light"):
        per = {}
        for name in names:
            n, data = profile_one(bench, name, account)
            per[name] = {c: v / n / 1e6 for c, v in perf_classes(data).items()}
            rep = sh("perf", "report", "-i", str(data), "--stdio",
                     "--no-children", "-g", "none", "--sort",
                     "comm,dso,sym", "--percent-limit", "0.3", check=False)
            (outdir / f"profile-{name}-{account}.txt").write_text(rep.stdout)
            log(f"profiled {name} ({account}): {n} sessions")
        classes = sorted({c for v in per.values() for c in v},
                         key=lambda c: -per["rexecd"].get(c, 0))
        lines.append(f"ms of CPU per session, {account} account "
                     "(perf cpu-clock samples)")
        lines.append(f"{'':46}" + "".join(f"{n:>13}" for n in names))
        for c in classes:
            lines.append(f"{c:46}" + "".join(
                f"{per[n].get(c, 0):13.2f}" for n in names))
        lines.append(f"{'total':46}" + "".join(
            f"{sum(per[n].values()):13.2f}" for n in names))
        lines.append("")
    (outdir / "profile.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def write_results(args, rows, lines, raw):
    """The table, the CSV, the raw runs and the chart; False if no chart."""
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.txt").write_text("\n".join(lines) + "\n")
    (out / "latest.csv").write_text("\n".join(render_csv(rows)) + "\n")
    (out / "latest.json").write_text(json.dumps(raw, indent=1,
                                                default=str) + "\n")
    title = f"rexecd vs netkit in.rexecd, {NCPU} CPUs, " \
        f"{time.strftime('%Y-%m-%d')}"
    log(f"table: {out / 'latest.txt'}")
    if not chart(rows, pathlib.Path(args.chart).resolve(), title):
        return False
    log(f"chart: {args.chart}")
    return True


def run(args, cfg, tmp, state):
    t0 = time.monotonic()
    busy = busy_fraction()
    # Everything the run starts inherits this: other work on the machine
    # then takes less from the measurement (every side gets the same).
    os.setpriority(os.PRIO_PROCESS, 0, BENCH_NICE)
    if busy > 0.1:
        log(f"warning: {busy * 100:.0f}% of the CPUs were busy before the "
            "run; figures will be noisy")
    bench = Bench(args, cfg, tmp)
    try:
        bench.setup(state)
        if args.profile:
            profile(bench, pathlib.Path(args.out))
            return
        bench.measure_limits()
        on = set(args.phases.split(","))
        sess = bench.sessions_phase() if "sessions" in on else {}
        light = bench.cpu_phase() if "cpu" in on else {}
        xfer = bench.transfer_phase() if "transfer" in on else {}
        idle = bench.idle_phase() if "idle" in on else {}
        attack = bench.attack_phase() if "attack" in on else {}
        lim = bench.limits()
    finally:
        bench.stop()
        state.restore()
    rows = build_table(lim, sess, light, xfer, idle, attack, cfg["idle"])
    bench.raw.update(limits=lim, config=cfg, busy_before=busy)
    header = machine_header(args, busy, time.monotonic() - t0)
    header.insert(-1, f"server: {bench.raw['server']}")
    if bench.server_id() != bench.raw["server"]:
        header.insert(-1, "WARNING: the server binary changed during the "
                      f"run (now {bench.server_id()})")
    lines = render_text(rows, header)
    lines += ["", "Limit column: an ideal server measured in the same run "
              "(rxlimit loop: PAM login in a forked child + fork/exec of "
              f"{SHELL} -c true, no network); one PAM login costs "
              f"{lim['pam_cpu_ms']:.1f} ms CPU ({lim['pam_wall_ms']:.1f} ms "
              f"wall), one fork/exec {lim['fork_cpu_ms']:.2f} ms CPU; "
              f"loopback TCP {lim['tcp_gbps']:.2f} GB/s."]
    lines += [""] + targets(rows, cfg["idle"])
    print("\n".join(lines))
    if not write_results(args, rows, lines, bench.raw):
        sys.exit("bench/run.py: the chart could not be drawn")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--quick", action="store_true",
                    help="a short run for development (about 2 minutes)")
    ap.add_argument("--profile", action="store_true",
                    help="perf profiles of one-client runs instead")
    ap.add_argument("--phases",
                    default="sessions,cpu,transfer,idle,attack",
                    help="which parts to run (default: all)")
    ap.add_argument("--attacks", default=",".join(ATTACKS),
                    help="which attacks the attack phase runs (default: "
                    "all: " + ", ".join(ATTACKS) + ")")
    ap.add_argument("--attack-servers", default="rexecd,netkit",
                    help="the servers the attack phase runs against")
    ap.add_argument("--rexecd-opts", default="",
                    help="more options for the standalone server (to "
                    "measure a setting against the defaults)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--chart", default=str(ROOT / "docs" / "bench.png"))
    ap.add_argument("--cleanup", action="store_true",
                    help="only undo what a killed run left behind")
    ap.add_argument("--chart-only", action="store_true",
                    help="redraw the chart from OUT/latest.csv, run nothing")
    args = ap.parse_args()
    if args.chart_only:
        csv_path = pathlib.Path(args.out) / "latest.csv"
        day = time.strftime("%Y-%m-%d",
                            time.localtime(csv_path.stat().st_mtime))
        sys.exit(0 if chart(rows_from_csv(csv_path),
                            pathlib.Path(args.chart).resolve(),
                            f"rexecd vs netkit in.rexecd, {NCPU} CPUs, {day}")
                 else 1)
    if os.geteuid() != 0:
        sys.exit("bench/run.py: needs root (test user, PAM stack, hosts)")
    for need in (SSA, NETKIT, shutil.which("gnuplot")):
        if not need or not os.path.exists(need):
            sys.exit(f"bench/run.py: missing {need}: run make bench-deps")
    cfg = QUICK if args.quick or os.environ.get("BENCH_QUICK") else FULL
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda n, f: sys.exit(128 + n))
    state = SystemState()
    state.restore()      # whatever a killed run left behind
    if args.cleanup:
        return
    state = SystemState()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="rxbench-"))
    tmp.chmod(0o755)
    state.record("tmpdirs", str(tmp))
    try:
        run(args, cfg, tmp, state)
    finally:
        state.restore()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

