"""authgent-server (PyPI), an independent RFC 8693 server, on loopback for interop:

    authgent_peer.py start DIR PORT   -> starts it in DIR, creates two agents, prints JSON:
        {"issuer", "pid", "a_token", "c_id", "c_secret"}
    authgent_peer.py jwks ISSUER FILE -> writes the server's JWK Set to FILE

A's token comes from client_credentials; audex then exchanges it as C.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

BIN = os.path.join(os.path.dirname(sys.executable), "authgent-server")


def agent(cwd, name):
    out = subprocess.run([BIN, "create-agent", "--name", name, "--scopes", "orders:read"],
                         cwd=cwd, capture_output=True, text=True, check=True).stdout
    cid = re.search(r"agnt_[A-Za-z0-9_-]+", out).group(0)
    sec = re.search(r"sec_[A-Za-z0-9_-]+", out).group(0)
    return cid, sec


def start(cwd, port):
    issuer = f"http://127.0.0.1:{port}"
    os.makedirs(cwd, exist_ok=True)
    subprocess.run([BIN, "init"], cwd=cwd, capture_output=True, check=True)
    # init writes .env (and refuses if one exists); later lines win.
    with open(os.path.join(cwd, ".env"), "a") as f:
        f.write(f"\nAUTHGENT_SERVER_URL={issuer}\nAUTHGENT_HOST=127.0.0.1\nAUTHGENT_PORT={port}\n")
    proc = subprocess.Popen([BIN, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(issuer + "/.well-known/oauth-authorization-server", timeout=1)
            break
        except Exception:  # noqa: BLE001 - not up yet
            if time.time() > deadline:
                proc.kill()
                raise SystemExit("authgent-server did not start")
            time.sleep(0.2)
    a_id, a_sec = agent(cwd, "svc-a")
    c_id, c_sec = agent(cwd, "svc-c")
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": a_id,
                                   "client_secret": a_sec, "scope": "orders:read"}).encode()
    with urllib.request.urlopen(urllib.request.Request(issuer + "/token", data=body), timeout=10) as r:
        a_token = json.load(r)["access_token"]
    print(json.dumps({"issuer": issuer, "pid": str(proc.pid), "a_token": a_token,
                      "c_id": c_id, "c_secret": c_sec}))


def jwks(issuer, path):
    meta = json.load(urllib.request.urlopen(issuer + "/.well-known/oauth-authorization-server", timeout=10))
    with urllib.request.urlopen(meta["jwks_uri"], timeout=10) as r, open(path, "wb") as f:
        f.write(r.read())


if __name__ == "__main__":
    if sys.argv[1] == "start":
        start(sys.argv[2], int(sys.argv[3]))
    else:
        jwks(sys.argv[2], sys.argv[3])
