"""The printed table, the ratios against the bare servers and the issue's goals."""

KIB, MIB = 1024, 1024 * 1024
GOAL_P99_MS = 100
GOAL_CPU_RATIO = 2
GOAL_IDLE_BYTES = 64 * KIB
GOAL_STORM_CLIENTS, GOAL_STORM_SECONDS = 1000, 10
# The phase whose figures stand for each scenario in the ratios and goals.
MAIN_PHASE = {
    "quick": "load",
    "peak": "load",
    "storm": "connect storm",
    "slow-reader": "with slow reader",
    "cluster300": "clustering",
}


def latency(figures: dict | None) -> str:
    if not figures or not figures.get("count"):
        return "-"
    return " / ".join(f"{figures[key]:.1f}" for key in ("p50", "p95", "p99", "max"))


def number(value, scale=1.0, digits=1) -> str:
    return "-" if value is None else f"{value / scale:,.{digits}f}"


def errors(phase: dict) -> str:
    return str(sum(phase["errors"].values()) or "none")


def error_kinds(phase: dict) -> str:
    return ", ".join(f"{kind} x{count}" for kind, count in sorted(phase["errors"].items()))


def posts(cell):
    """A row about posts: empty in a phase without any."""
    return lambda p: cell(p) if p["posts"]["scheduled"] else "-"


def opened(cell):
    return lambda p: cell(p) if p["connections"]["opened"] else "-"


def anomalies(phase: dict) -> str:
    """The worrying part of lost, duplicated and out of order: lost, a card stored twice
    (a new seq), a gap."""
    deliveries = phase["deliveries"]
    return (
        f"{deliveries['lost']} / {deliveries['duplicated_with_a_new_seq']} / "
        f"{deliveries['out_of_order_after_a_gap']}"
    )


def server(key, scale=1.0, digits=1):
    return lambda p: number(p["server"].get(key), scale, digits)


ROWS = [
    (
        "posts scheduled / sent / acked",
        posts(lambda p: "{scheduled} / {sent} / {acked}".format(**p["posts"])),
    ),
    (
        "posts failed / unanswered",
        posts(lambda p: f"{sum(p['posts']['failed'].values())} / {p['posts']['unanswered']}"),
    ),
    ("posting latency ms p50/p95/p99/max", lambda p: latency(p["posting_latency_ms"])),
    ("delivery latency ms p50/p95/p99/max", lambda p: latency(p["delivery_latency_ms"])),
    ("  during the burst", lambda p: latency(p.get("burst_delivery_latency_ms"))),
    ("  layout changes", lambda p: latency(p.get("layout_latency_ms"))),
    (
        "deliveries expected / delivered",
        posts(lambda p: "{expected} / {delivered}".format(**p["deliveries"])),
    ),
    (
        "lost / duplicated / out of order",
        posts(lambda p: "{lost} / {duplicated} / {out_of_order}".format(**p["deliveries"])),
    ),
    ("  at boards / with a new seq / gaps", posts(anomalies)),
    ("deliveries per second", posts(lambda p: number(p["deliveries"]["per_second"]))),
    ("sockets opened", opened(lambda p: str(p["connections"]["opened"]))),
    ("handshake ms p50/p95/p99/max", lambda p: latency(p["connections"]["handshake_ms"])),
    ("server back after s", lambda p: number(p["generator"].get("server_back_after_s"), digits=2)),
    (
        "all sockets open after s",
        lambda p: number(p["generator"].get("all_open_after_s"), digits=2),
    ),
    ("errors (kinds below)", errors),
    ("server CPU s", server("cpu_s", digits=3)),
    ("server CPU ms per post", server("cpu_ms_per_post", digits=2)),
    ("server CPU us per delivery", server("cpu_us_per_delivery")),
    (
        "server RSS MiB start / end / max",
        lambda p: " / ".join(
            number(p["server"].get(key), MIB) for key in ("rss_start", "rss_end", "rss_max")
        ),
    ),
    (
        "bytes received per delivery",
        posts(lambda p: number(p["received"]["bytes_per_delivery"], digits=0)),
    ),
    ("generator CPU s", lambda p: number(p["generator"].get("cpu_s"), digits=2)),
    (
        "generator loop lag ms p99/max",
        lambda p: "{p99} / {max}".format(**p["generator"]["loop_lag_ms"]),
    ),
]


LABEL_WIDTH = 36


def table(results: list[dict]) -> list[str]:
    """One block per phase; one column per server."""
    names = [result["target"] for result in results]
    rows = [("memory per idle connection", [idle_memory(result) for result in results])]
    for index, first in enumerate(results[0]["phases"]):
        phases = [
            result["phases"][index] if index < len(result["phases"]) else {} for result in results
        ]
        rows += [("", []), (f"== {first['phase']}", names), *phase_rows(phases, names)]
    width = 2 + max(len(cell) for _label, cells in rows for cell in cells)
    return [
        (f"{label:{LABEL_WIDTH}}" + "".join(f"{cell:>{width}}" for cell in cells)).rstrip()
        for label, cells in rows
    ]


def phase_rows(phases: list[dict], names: list[str]) -> list[tuple[str, list[str]]]:
    """(label, a cell per server) for every row that has a figure; then the notes."""
    rows = []
    if any("skipped" in phase for phase in phases):
        rows.append(("skipped", [phase.get("skipped", "-") for phase in phases]))
    for label, cell in ROWS:
        cells = [cell(phase) if phase and "skipped" not in phase else "-" for phase in phases]
        if any(value != "-" for value in cells):
            rows.append((label, cells))
    for name, phase in zip(names, phases, strict=True):
        if phase.get("errors"):
            rows.append((f"  errors ({name}): {error_kinds(phase)}", []))
        rows += [(f"  note ({name}): {note}", []) for note in phase.get("notes", [])]
    return rows


def idle_memory(result: dict) -> str:
    per = result["memory"].get("bytes_per_idle_connection")
    return "-" if per is None else f"{per / KIB:.1f} KiB"


def main_phase(result: dict, scenario: str) -> dict:
    for phase in result["phases"]:
        if phase["phase"] == MAIN_PHASE[scenario]:
            return phase
    return {}


def ratios(results: list[dict], scenario: str) -> dict:
    """app / each bare server: CPU per delivery, delivery p99, memory per idle socket."""
    app = results[0]
    found = {}
    for bare in results[1:]:
        mine, theirs = main_phase(app, scenario), main_phase(bare, scenario)
        found[f"app / {bare['target']}"] = {
            "cpu_per_delivery": divide(
                mine.get("server", {}).get("cpu_us_per_delivery"),
                theirs.get("server", {}).get("cpu_us_per_delivery"),
            ),
            "delivery_p99": divide(
                mine.get("delivery_latency_ms", {}).get("p99"),
                theirs.get("delivery_latency_ms", {}).get("p99"),
            ),
            "memory_per_idle_connection": divide(
                app["memory"].get("bytes_per_idle_connection"),
                bare["memory"].get("bytes_per_idle_connection"),
            ),
        }
    return found


def divide(mine, theirs) -> float | None:
    return round(mine / theirs, 2) if mine is not None and theirs else None


def ratio_lines(found: dict, scenario: str) -> list[str]:
    lines = ["", f"== ratios ({MAIN_PHASE[scenario]}) " + "=" * 30]
    for name, values in found.items():
        parts = [
            f"{key.replace('_', ' ')} {value:.2f}x"
            if value is not None
            else f"{key.replace('_', ' ')} -"
            for key, value in values.items()
        ]
        lines.append(f"{name:38}" + ", ".join(parts))
    return lines


def goals(
    results: list[dict], scenario: str, found: dict, redis: bool, at_peak: bool
) -> list[dict]:
    """The issue's targets, each with what was measured here and whether it is met.
    `at_peak`: the peak scenario at its own sizes, where the latency goal applies."""
    app = results[0]
    phase = main_phase(app, scenario)
    p99 = phase.get("delivery_latency_ms", {}).get("p99")
    cpu_ratio = found.get("app / bare Daphne", {}).get("cpu_per_delivery")
    idle = app["memory"].get("bytes_per_idle_connection")
    checks = [
        (
            "p99 delivery under 100 ms at workshop peak",
            p99,
            p99 is not None and p99 < GOAL_P99_MS,
            at_peak,
        ),
        (
            "server CPU per delivery within 2x bare Daphne",
            cpu_ratio,
            cpu_ratio is not None and cpu_ratio <= GOAL_CPU_RATIO,
            True,
        ),
        (
            "under 64 KiB of server memory per idle connection",
            None if idle is None else round(idle / KIB, 1),
            idle is not None and idle < GOAL_IDLE_BYTES,
            True,
        ),
    ]
    if scenario == "storm":
        checks += storm_goals(phase, redis)
    return [
        {
            "goal": goal,
            "measured": value,
            "met": met if value is not None and applies else None,
            "judged_here": applies,
        }
        for goal, value, met, applies in checks
    ]


def storm_goals(phase: dict, redis: bool) -> list[tuple]:
    opened = phase.get("connections", {}).get("opened", 0)
    after = phase.get("generator", {}).get("all_open_after_s")
    connect_errors = sum(
        n for kind, n in phase.get("errors", {}).items() if kind.startswith("connect")
    )
    storm_ok = (
        opened >= GOAL_STORM_CLIENTS
        and after is not None
        and after <= GOAL_STORM_SECONDS
        and not connect_errors
        and redis
    )
    posting = phase.get("posting_latency_ms", {}).get("p99")
    return [
        (
            f"1,000 connections within 10 s with Redis and no error (Redis here: {redis})",
            f"{opened} open after {after} s, {connect_errors} connect errors",
            storm_ok,
            True,
        ),
        (
            "posting p99 under 100 ms during the connect storm",
            posting,
            posting is not None and posting < GOAL_P99_MS,
            True,
        ),
    ]


def goal_lines(checked: list[dict]) -> list[str]:
    lines = ["", "== goals of the issue (measured, never a test) " + "=" * 10]
    for check in checked:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[check["met"]]
        if not check["judged_here"]:
            verdict = "not judged: the goal is for peak at its own sizes"
        lines.append(f"{check['goal']}: {check['measured']} -> {verdict}")
    return lines
