"""Load a running server as a workshop does and print what it costs; see the README
("Benchmarks").

    python manage.py loadtest --scenario quick --serve --compare
    python manage.py loadtest --scenario peak --url http://127.0.0.1:8000 --server-pid 1234

The generator sets the workshop up through the app's pages (facilitator login, new
workshop, challenges, breakouts, a shared invitation, everyone joining), opens every
participant's board socket and every facilitator's control room, then posts on an
open-loop schedule and checks every event at every recipient.
"""

import asyncio
import importlib.util
import json
import os
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from realtime.loadtest import browser, report, scenarios, targets
from workshops.management.commands.seed_demo import FACILITATOR_USERNAME, demo_secret

SIZE_OPTIONS = {
    "breakouts": int,
    "per_breakout": int,
    "facilitators": int,
    "rate": float,
    "seconds": float,
    "burst_rate": float,
    "burst_seconds": float,
    "connect_seconds": float,
    "text_bytes": int,
    "layout_rate": float,
    "drain_seconds": float,
}


def run_async(coroutine):
    """On uvloop when it is installed (a lighter generator), else asyncio's own loop."""
    if importlib.util.find_spec("uvloop"):
        import uvloop

        return uvloop.run(coroutine)
    return asyncio.run(coroutine)


class Command(BaseCommand):
    help = "Load a running server with a simulated workshop and measure delivery and cost."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", choices=sorted(scenarios.SCENARIOS), default="quick")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the app under test")
        parser.add_argument(
            "--serve",
            action="store_true",
            help="start `manage.py serve` here (this environment's DATABASE_URL, REDIS_URL) "
            "on a free port, after migrate and seed_demo; it can be killed and restarted",
        )
        parser.add_argument(
            "--server-pid",
            type=int,
            nargs="+",
            default=[],
            help="server processes to measure (default: whatever listens on a local --url)",
        )
        parser.add_argument("--restart-command", default="", help="shell command (storm)")
        parser.add_argument("--username", default=FACILITATOR_USERNAME)
        parser.add_argument("--password", help="default: the demo facilitator's (seed_demo)")
        parser.add_argument("--compare", action="store_true", help="also bare Daphne, websockets")
        for name, kind in SIZE_OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=kind)
        parser.add_argument("--uniform", action="store_true", help="evenly spaced, not Poisson")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--http-concurrency", type=int, default=4, help="setup requests at once"
        )
        parser.add_argument("--server-cpu", type=int, help="core for servers started here")
        parser.add_argument("--client-cpu", type=int, help="core for the generator")
        parser.add_argument("--server-log", type=Path, help="output of a --serve server")
        parser.add_argument("--json", type=Path, help="write every figure to this file")

    def handle(self, *args, **options):
        scenario = options["scenario"]
        sizes = self.sizes(scenario, options)
        server_cpu, client_cpu = pinning(options)
        app = self.app_target(options, server_cpu)
        try:
            if client_cpu is not None:
                os.sched_setaffinity(0, {client_cpu})
            topology = self.setup(app, scenario, sizes, options)
            results = [run_async(scenarios.run(scenario, app, topology, sizes, options["seed"]))]
        finally:
            app.stop()
        if options["compare"]:
            for start in (targets.serve_bare_daphne, targets.serve_bare_websockets):
                bare = start(server_cpu)
                try:
                    results.append(
                        run_async(scenarios.run(scenario, bare, topology, sizes, options["seed"]))
                    )
                finally:
                    bare.stop()
        self.report(scenario, sizes, topology, results, app, (server_cpu, client_cpu), options)

    def sizes(self, scenario: str, options: dict) -> scenarios.Sizes:
        given = {name: options[name] for name in SIZE_OPTIONS if options[name] is not None}
        sizes = replace(scenarios.SCENARIOS[scenario], **given)
        if options["uniform"]:
            sizes = replace(sizes, poisson=False)
        if sizes.facilitators < 1 and scenario == "slow-reader":
            raise CommandError("slow-reader needs at least one facilitator session")
        return sizes

    def app_target(self, options: dict, server_cpu: int | None) -> targets.Target:
        if options["serve"]:
            target = targets.serve_app(server_cpu, options["server_log"])
            self.stdout.write(f"serving the app at {target.http_url} (pid {target.pids[0]})")
            return target
        pids = options["server_pid"] or targets.listening_pids(options["url"])
        return targets.Target(
            "app", options["url"], pids, restart_command=options["restart_command"]
        )

    def setup(self, app, scenario, sizes, options) -> browser.Topology:
        password = options["password"]
        if password is None and options["username"] == FACILITATOR_USERNAME:
            password = demo_secret("facilitator-password", 16)
        title = f"Load test {scenario} {datetime.now():%Y-%m-%d %H:%M:%S}"
        try:
            return run_async(
                browser.build(
                    app.http_url,
                    options["username"],
                    password or "",
                    breakouts=sizes.breakouts,
                    per_breakout=sizes.per_breakout,
                    facilitators=scenarios.facilitator_sessions(scenario, sizes),
                    concurrency=options["http_concurrency"],
                    title=title,
                )
            )
        except browser.SetupError as exc:
            raise CommandError(f"setting the workshop up failed: {exc}") from None

    def report(self, scenario, sizes, topology, results, app, cpus, options):
        found = report.ratios(results, scenario) if len(results) > 1 else {}
        redis = bool(settings.REDIS_URL)
        at_peak = scenario == "peak" and sizes == scenarios.SCENARIOS["peak"]
        checked = report.goals(results, scenario, found, redis, at_peak)
        lines = [
            *self.header(scenario, sizes, topology, app, cpus, redis),
            "",
            *report.table(results),
        ]
        if found:
            lines += report.ratio_lines(found, scenario)
        lines += report.goal_lines(checked)
        self.stdout.write("\n".join(lines))
        if options["json"]:
            document = {
                "scenario": scenario,
                "sizes": asdict(sizes),
                "seed": options["seed"],
                "workshop_id": topology.workshop_id,
                "cpus": {"server": cpus[0], "generator": cpus[1]},
                "results": results,
                "ratios": found,
                "goals": checked,
            }
            options["json"].write_text(json.dumps(document, indent=2))
            self.stdout.write(f"\nevery figure: {options['json']}")

    def header(self, scenario, sizes, topology, app, cpus, redis) -> list[str]:
        sockets = sizes.breakouts * sizes.per_breakout + sizes.facilitators
        burst = (
            f", burst {sizes.burst_rate:g}/s for {sizes.burst_seconds:g} s"
            if sizes.burst_rate
            else ""
        )
        pids = ", ".join(map(str, app.pids)) or "not given: no server CPU or memory"
        return [
            f"loadtest {scenario}: {sizes.breakouts} breakouts x {sizes.per_breakout} participants "
            f"+ {sizes.facilitators} facilitators in the control room = {sockets} sockets; "
            f"{sizes.rate:g} posts/s for {sizes.seconds:g} s{burst}; "
            f"{'Poisson' if sizes.poisson else 'uniform'} arrivals",
            f"app {app.http_url} (server pid {pids}); servers started here on core {cpus[0]}, "
            f"generator on core {cpus[1]}; REDIS_URL set here: {redis}; "
            f"database here: {connection.vendor}",
            f"workshop {topology.workshop_id} stays in the database (no page deletes a workshop)",
            "on a small shared machine these figures are noisy: compare runs, not digits",
        ]


def pinning(options: dict) -> tuple[int | None, int | None]:
    """Servers on one core and the generator on another when there are two; the
    generator pins itself only when asked or when it starts the servers itself."""
    two = (os.cpu_count() or 1) >= 2
    server = options["server_cpu"] if options["server_cpu"] is not None else (0 if two else None)
    starts_servers = options["serve"] or options["compare"]
    client = options["client_cpu"]
    if client is None and starts_servers and two:
        client = 1
    return server, client
