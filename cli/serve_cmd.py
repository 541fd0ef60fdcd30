"""``rulepath serve``: the workbench, a local web page over the engine (docs/web.md)."""

from __future__ import annotations

import threading
import time

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (loopback only, unless --allow-remote).")
@click.option("--port", default=8251, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on.")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the workbench in the browser once the server is up.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --host other machines can reach (case data then leaves this "
              "machine, unencrypted).")
@click.option("--time-limit", default=60.0, show_default=True, type=click.FloatRange(min=1),
              metavar="SECONDS", help="The most one check or diff may take.")
def serve(host: str, port: int, open_browser: bool, allow_remote: bool,
          time_limit: float) -> None:
    """Serve the workbench on http://HOST:PORT/: decide, interview, explain, draw, check an
    order, check and diff a pack, from the browser; the API is at /docs.

    Exit status: 0 when stopped (Ctrl-C); 2 when HOST is not loopback without
    --allow-remote, or an option is wrong.
    """
    import uvicorn

    from rulepath.web.app import create_app, loopback

    local = loopback(host)
    if not local and not allow_remote:
        raise click.BadParameter(
            f"{host} is not a loopback address: case data would leave this machine; "
            "give --allow-remote to serve it anyway", param_hint="--host")
    if not local:
        click.echo(f"warning: serving on {host}: anyone who can reach it sees and sends case "
                   "data, unencrypted", err=True)
    app = create_app(time_limit=time_limit, host=host, check_host=local)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    click.echo(f"rulepath workbench on {url} (Ctrl-C to stop)")
    if open_browser:
        def opener() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                import webbrowser

                webbrowser.open(url)

        threading.Thread(target=opener, daemon=True).start()
    server.run()
