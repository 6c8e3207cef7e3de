"""nginx in the foreground with the deployment guide's configuration (deploy/nginx.conf),
in front of Daphne processes started by a test."""

import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.servers import free_port, wait_for_port

DEPLOY_CONFIG = settings.BASE_DIR / "deploy" / "nginx.conf"


def site_config(listen: int, upstreams: list[int]) -> str:
    """deploy/nginx.conf with this test's ports and the repository's static files."""
    text = DEPLOY_CONFIG.read_text()
    servers = re.findall(r"server 127\.0\.0\.1:\d+;", text)
    assert len(servers) == len(upstreams) == 2
    for line, port in zip(servers, upstreams, strict=True):
        text = text.replace(line, f"server 127.0.0.1:{port};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    return text.replace("/srv/facilitate/staticfiles/", f"{settings.BASE_DIR / 'static'}/")


@contextmanager
def nginx(directory: Path, upstreams: list[int]):
    """nginx in the foreground, its files in `directory`; yield its http url."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o777)  # nginx's workers write their temporary files here
    port = free_port()
    (directory / "facilitate.conf").write_text(site_config(port, upstreams))
    user = "user root;" if os.geteuid() == 0 else ""  # the repository may be root's
    (directory / "nginx.conf").write_text(
        f"""{user}
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{}}
http {{
    log_format upstream '$status $upstream_addr $request_uri';
    access_log {directory}/access.log upstream;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include /etc/nginx/mime.types;  # as Debian's own nginx.conf does
    include {directory}/facilitate.conf;
}}
"""
    )
    process = subprocess.Popen(
        [shutil.which("nginx"), "-p", str(directory), "-c", str(directory / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
