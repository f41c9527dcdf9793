"""Progress at volume, old code against new in one run (issue 15).

Each code version (``--baseline``, default the commit before the incremental roll-ups, exported
with ``git archive`` under the system's temp directory; and this working tree) runs in
its own child process on a freshly generated database with the same data (seed 15): 1,000
generated measures (about half of them items under another measure, up to four deep) with a lead
unit on each side, 10 published updates each (5 per side). Times:

- the full roll-up recompute with the figures already current (the repair path), median of 3;
- one change: publish an update on a random measure, then what publishing runs (``recompute_for``
  in the new code, the area's recompute in the old), median and p95 over 30 changes;
- closing a reporting cycle (recompute and snapshot), once;
- the progress dashboard and a measure page, whole responses, median of 3, with query counts.

    .venv/bin/python bench/progress_speed.py [--postgres postgres://postgres@127.0.0.1:5432/wt_perf]

With ``--postgres`` the named database is dropped and created again for each child. Writes the
section "Progress at volume (issue 15)" of docs/benchmarks.md with date, commits and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
REPORT = HERE / "docs" / "benchmarks.md"
HEADING = "## Progress at volume (issue 15)"
BASELINE = "19264f4"  # main before the second pass of issue 15 (bf6f0f6cbf: before incremental roll-ups)


def load() -> float:
    return round(os.getloadavg()[0], 1)


def child(url: str, root: str, measures: int) -> dict[str, Any]:
    sys.path.insert(0, root)
    os.chdir(root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ["DATABASE_URL"] = url
    if url.startswith("postgres"):
        import psycopg
        from psycopg import sql

        base, _slash, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    import django
    from django.conf import settings

    # Tasks go to the database's queue (the platform's default, as on a server), not run inline as
    # the test settings do: a request's cost, without the work it leaves to a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from hkcq.accounts.models import User
    from hkcq.defaults.loading import defaults_load
    from hkcq.progress import rollups
    from hkcq.progress.models import ProgressUpdate, ReportingCycle, Status
    from hkcq.registry.loading import demo_accounts_ensure
    from hkcq.registry.models import Area, Measure, Mechanism, Meeting, Unit
    from hkcq.reporting import services

    defaults_load()
    demo_accounts_ensure()
    rng = random.Random(15)
    author = User.objects.get(username="demo-secretariat-hk")
    areas = list(Area.objects.order_by("position"))
    statuses = list(Status.objects.filter(is_active=True).order_by("position"))
    hk = Unit.objects.filter(side="hong_kong").first()
    cq = Unit.objects.filter(side="chongqing").first()
    cycle = ReportingCycle.objects.filter(state="open").first() or ReportingCycle.objects.create(
        name={"en": "Bench cycle"}, opens_on=dt.date(2023, 5, 11)
    )
    made: list[Any] = []
    depth: dict[int, int] = {}
    for i in range(measures):
        area = areas[i % len(areas)]
        candidates = [m for m in made[-40:] if m.area_id == area.id and depth[m.id] < 3]
        parent = rng.choice(candidates) if candidates and rng.random() < 0.5 else None
        m = Measure.objects.create(
            ext_id=f"bench-{i:05d}",
            area=area,
            parent=parent,
            code=f"B{i}",
            position=1000 + i,
            title={"en": f"Bench measure {i}"},
            lead_unit_hk=hk,
            lead_unit_cq=cq,
        )
        depth[m.id] = depth[parent.id] + 1 if parent else 0
        made.append(m)
    now = timezone.now() - dt.timedelta(days=200)
    batch = []
    for m in made:
        for k in range(10):
            batch.append(
                ProgressUpdate(
                    measure=m,
                    side="hong_kong" if k % 2 == 0 else "chongqing",
                    cycle=cycle,
                    status=rng.choice(statuses),
                    percent=rng.randint(0, 100),
                    author=author,
                    state="published",
                    submitted_at=now,
                    published_at=now + dt.timedelta(seconds=k),
                )
            )
    ProgressUpdate.objects.bulk_create(batch, batch_size=1000)
    rollups.recompute()
    out: dict[str, Any] = {"database": connection.vendor, "measures": Measure.objects.count()}

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them on a server
            cursor.execute("ANALYZE")
    clock = CpuClock(connection)

    def timed(fn: Any, repeat: int = 1) -> tuple[float, float]:
        """Median wall and mean CPU (this process + its database server process, whose CPU time is
        counted in ticks of 10 ms), ms."""
        walls, cpus = [], []
        for _ in range(repeat):
            cpu0, start = clock.ms(), time.perf_counter()
            fn()
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append(clock.ms() - cpu0)
        return statistics.median(walls), statistics.mean(cpus)

    (out["full_ms"], out["full_cpu"]), out["full_load"] = timed(rollups.recompute, 3), load()
    incremental = getattr(rollups, "recompute_for", None)
    changes, change_cpus = [], []
    for _ in range(30):
        m = rng.choice(made)
        ProgressUpdate.objects.create(
            measure=m,
            side=rng.choice(["hong_kong", "chongqing"]),
            cycle=cycle,
            status=rng.choice(statuses),
            percent=rng.randint(0, 100),
            author=author,
            state="published",
            published_at=timezone.now(),
        )
        cpu0, start = clock.ms(), time.perf_counter()
        if incremental is not None:
            incremental(m.id)
        else:
            rollups.recompute([m.area])
        changes.append((time.perf_counter() - start) * 1000)
        change_cpus.append(clock.ms() - cpu0)
    out["change_cpu"] = statistics.mean(change_cpus)  # mean: the server's CPU is counted in 10 ms ticks
    changes.sort()
    out["change_p50_ms"], out["change_p95_ms"] = statistics.median(changes), changes[int(0.95 * len(changes)) - 1]
    out["change_load"] = load()
    # a weight changed (the other change that is recomputed incrementally)
    weights = [weight_change(author, rng.choice(made), rng, clock) for _ in range(30)]
    out["weight_p50_ms"] = statistics.median(w for w, _c in weights)
    out["weight_cpu"] = statistics.mean(c for _w, c in weights)
    out["weight_load"] = load()
    # publication through the service, as the secretariat's "Publish" does: lock the update, record
    # the transition, notify the people concerned (e-mail queued), recompute the roll-ups
    published = [publish_one(author, rng.choice(made), cycle, rng.choice(statuses), rng, clock) for _ in range(30)]
    out["publish_p50_ms"] = statistics.median(w for w, _c in published)
    out["publish_p95_ms"] = sorted(w for w, _c in published)[int(0.95 * len(published)) - 1]
    out["publish_cpu"] = statistics.mean(c for _w, c in published)
    out["publish_load"] = load()
    client = Client()
    client.get("/en/progress/")
    (out["dashboard_ms"], _cpu), out["dashboard_load"] = timed(lambda: client.get("/en/progress/"), 3), load()
    client.get("/en/measures/bench-00000/")
    out["measure_ms"], _cpu = timed(lambda: client.get("/en/measures/bench-00000/"), 3)
    for key, path in (("dashboard_queries", "/en/progress/"), ("measure_queries", "/en/measures/bench-00000/")):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        out[key] = len(ctx.captured_queries)
    meeting = Meeting.objects.create(
        mechanism=Mechanism.objects.first(),
        ext_id="bench-plenary",
        kind=Meeting.Kind.PLENARY,
        sequence=99,
        title={"en": "Bench plenary"},
        date=timezone.localdate(),
    )
    out["close_ms"], out["close_cpu"] = timed(lambda: services.close_cycle(cycle, meeting, author))
    out["close_load"] = load()
    return out


class CpuClock:
    """CPU time used so far by this process and by the database server's process serving its
    connection (PostgreSQL on this machine: /proc), in ms. On a shared machine this is what the
    work costs, whatever the load; on SQLite the database works inside this process."""

    def __init__(self, connection: Any) -> None:
        self.stat: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            self.stat = stat if stat.exists() else None
        self.tick = 1000 / os.sysconf("SC_CLK_TCK")

    def ms(self) -> float:
        own = time.process_time() * 1000
        if self.stat is None:
            return own
        fields = self.stat.read_text().rpartition(")")[2].split()
        return own + (int(fields[11]) + int(fields[12])) * self.tick


def weight_change(admin: Any, measure: Any, rng: random.Random, clock: CpuClock) -> tuple[float, float]:
    from hkcq.progress import services

    cpu0, start = clock.ms(), time.perf_counter()
    services.weight_set(user=admin, measure=measure, weight=rng.choice(["0.5", "1", "2", "3"]))
    return (time.perf_counter() - start) * 1000, clock.ms() - cpu0


def publish_one(author: Any, measure: Any, cycle: Any, status: Any, rng: random.Random, clock: CpuClock) -> Any:
    from django.utils import timezone

    from hkcq.progress import services
    from hkcq.progress.models import ProgressUpdate

    ProgressUpdate.objects.filter(measure=measure, side="hong_kong", state__in=ProgressUpdate.OPEN_STATES).delete()
    update = ProgressUpdate.objects.create(
        measure=measure,
        side="hong_kong",
        cycle=cycle,
        status=status,
        percent=rng.randint(0, 100),
        author=author,
        state="confirmed",
        submitted_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    cpu0, start = clock.ms(), time.perf_counter()
    services.update_publish(user=author, update=update)
    return (time.perf_counter() - start) * 1000, clock.ms() - cpu0


ROWS = [
    ("full_ms", "full_cpu", "full_load", "Roll-up recompute, all (repair), median of 3", "< 200"),
    ("change_p50_ms", "change_cpu", "change_load", "One change (an update published): roll-up work, p50 of 30", "< 20"),
    ("change_p95_ms", "", "change_load", "The same, p95 of 30", "< 20"),
    ("weight_p50_ms", "weight_cpu", "weight_load", "One change (a weight set, `weight_set`), p50 of 30", "< 20"),
    (
        "publish_p50_ms",
        "publish_cpu",
        "publish_load",
        "Publication through the service (`update_publish`), p50 of 30",
        "< 20",
    ),
    ("publish_p95_ms", "", "publish_load", "The same, p95 of 30", ""),
    ("close_ms", "close_cpu", "close_load", "Close a reporting cycle (recompute + frozen snapshot)", "< 1,000"),
    ("dashboard_ms", "", "dashboard_load", "Progress dashboard page, median of 3", ""),
    ("measure_ms", "", "dashboard_load", "Measure page, median of 3", ""),
]
GOALS = {
    "full_ms": 200,
    "change_p50_ms": 20,
    "change_p95_ms": 20,
    "weight_p50_ms": 20,
    "publish_p50_ms": 20,
    "close_ms": 1000,
}
CPU_OF = {"change_p95_ms": "change_cpu", "publish_p95_ms": "publish_cpu"}


def _cell(figures: dict[str, Any], key: str, cpu_key: str, load_key: str) -> str:
    if key not in figures:
        return "—"
    cpu = f"CPU {figures[cpu_key]:,.1f}, " if cpu_key and cpu_key in figures else ""
    return f"{figures[key]:,.1f} ({cpu}load {figures[load_key]})"


def section(results: dict[str, dict[str, Any]], commits: dict[str, str]) -> str:
    cols = list(results)
    lines = [
        HEADING,
        "",
        f"`bench/progress_speed.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"Python {platform.python_version()} ({os.cpu_count()} CPUs, shared with other sessions; `uptime` before: "
        f"{commits['load_before']}; after: {commits['load_after']}). Old = `{commits['old'][:10]}`, new = "
        f"`{commits['new'][:10]}` (plus working-tree changes if any); each in its own process on a freshly "
        f"generated database with the same data: {next(iter(results.values()))['measures']:,} measures in all "
        "(1,000 generated, about half of them items up to four deep), 10 published updates each; on PostgreSQL "
        "the planner's statistics are taken after loading (`ANALYZE`, as autovacuum keeps them on a server). "
        "Milliseconds of wall time; in brackets the CPU time the step cost — this process's plus, on "
        "PostgreSQL, that of the database server process serving its connection (/proc) — and the load "
        "average (1 min) when it was taken. On a machine whose load average is several times its 2 CPUs, "
        "wall time is mostly waiting for a core; the CPU time is what the step costs a server with cores to "
        "spare, so it is the figure to set against the goal where the wall time misses it.",
        "",
        "| step | goal | " + " | ".join(cols) + " |",
        "|---|---:|" + "---:|" * len(cols),
    ]
    for key, cpu_key, load_key, label, goal in ROWS:
        cells = [_cell(results[c], key, cpu_key, load_key) for c in cols]
        lines.append(f"| {label} | {goal} | " + " | ".join(cells) + " |")
    lines.append(
        "| Queries: dashboard / measure page | | "
        + " | ".join(f"{results[c]['dashboard_queries']} / {results[c]['measure_queries']}" for c in cols)
        + " |"
    )
    lines += [
        "",
        "A publication recomputes only the measure, its ancestors, its area and the mechanism (`recompute_for`), "
        "from the stored roll-ups of their other children, and writes only the rows and fields that changed, "
        "in one UPDATE; a weight change does the same. The full recompute is the repair path "
        "(`manage.py recompute_progress`) and runs once more when a cycle closes, writing nothing when the "
        "figures are current. Closing freezes the whole registry and its published progress in bulk: one "
        "snapshot document built from a handful of set-wide queries (no query per measure), stored in one "
        "row, and the cycle's unpublished updates moved to the next cycle in one UPDATE. Tasks go to the "
        "database's queue, as on a server: a publication's notifications (each reader's message rendered in "
        "their language, its e-mail queued) are the new code's `transition_notify` task, run by a worker, "
        "where the old code rendered them in the request.",
        "",
        _goals(results),
        "",
    ]
    return "\n".join(lines)


def _goals(results: dict[str, dict[str, Any]]) -> str:
    """Which goals the new code meets in this run, per database, by wall time and by CPU time."""
    labels = {key: label for key, _cpu, _load, label, _goal in ROWS}
    cpu_of = {key: cpu for key, cpu, _load, _label, _goal in ROWS if cpu} | CPU_OF
    parts = []
    for column, figures in results.items():
        if not column.endswith(" new"):
            continue
        wall_met = [labels[k] for k, g in GOALS.items() if figures[k] < g]
        wall_missed = [f"{labels[k]} ({figures[k]:,.1f} ms)" for k, g in GOALS.items() if figures[k] >= g]
        cpu_missed = [
            f"{labels[k]} (CPU {figures[cpu_of[k]]:,.1f} ms)"
            for k, g in GOALS.items()
            if figures[k] >= g and figures[cpu_of[k]] >= g
        ]
        parts.append(
            f"{column.removesuffix(' new')}: met on the wall clock — {'; '.join(wall_met) or 'none'}; "
            f"missed on the wall clock — {'; '.join(wall_missed) or 'none'}; "
            f"of those, missed by CPU time too — {'; '.join(cpu_missed) or 'none'}."
        )
    loads = [figures[k] for figures in results.values() for k in ("full_load", "change_load", "close_load")]
    return (
        "Goals in this run (new code), wall clock against each goal, then CPU time for those missed: "
        + " ".join(parts)
        + f" The load average was {min(loads)}–{max(loads)} on 2 CPUs while measuring."
    )


def write_report(text_section: str) -> None:
    text = REPORT.read_text(encoding="utf-8")
    if HEADING in text:
        before, _sep, rest = text.partition(HEADING)
        after = rest.split("\n## ", 1)
        text = before + text_section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + text_section
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare against")
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be dropped and created")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.root, args.measures)))
        return
    old_root = Path(tempfile.gettempdir()) / f"hkcq-baseline-{args.baseline[:10]}"
    if not old_root.exists():  # the baseline's files, exported (no worktree, nothing to clean up in git)
        old_root.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(HERE), "archive", args.baseline], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive.stdout, check=True)
        subprocess.run([sys.executable, "manage.py", "compile_translations"], cwd=old_root, check=True)
    commits = {
        "old": subprocess.check_output(["git", "-C", str(HERE), "rev-parse", args.baseline], text=True).strip(),
        "new": subprocess.check_output(["git", "-C", str(HERE), "rev-parse", "HEAD"], text=True).strip(),
    }
    commits["load_before"] = subprocess.check_output(["uptime"], text=True).strip()
    results: dict[str, dict[str, Any]] = {}
    for db in ["sqlite"] + (["postgresql"] if args.postgres else []):
        for version, root in (("old", old_root), ("new", HERE)):
            if db == "sqlite":
                handle, path = tempfile.mkstemp(prefix="hkcq-bench-progress-", suffix=".sqlite3")
                os.close(handle)
                url = f"sqlite:///{path}"
            else:
                url = args.postgres
            print(f"{db} {version} …", flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", url, "--root", str(root), "--measures", str(args.measures)],
                capture_output=True,
                text=True,
                # tasks queued as the web server queues them (database rows for the worker): with the
                # immediate backend a publication would deliver its e-mails inside the timing
                env={**os.environ, "TASK_BACKEND": "database"},
            )
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode != 0 or line is None:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                raise SystemExit(f"benchmark failed: {db} {version}")
            results[f"{db} {version}"] = json.loads(line[len("RESULT ") :])
            print(results[f"{db} {version}"], flush=True)
    commits["load_after"] = subprocess.check_output(["uptime"], text=True).strip()
    text = section(results, commits)
    print(text)
    if not args.no_write:
        write_report(text)


if __name__ == "__main__":
    main()
