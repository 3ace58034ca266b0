"""Push deliveries as GitHub and GitLab send them, written from their documented examples.

GitHub: the `push` event (docs.github.com, "Webhook events and payloads": the fields its
schema requires) and `ping`, with the headers GitHub sends (X-GitHub-Event,
X-GitHub-Delivery, X-Hub-Signature-256 over the exact body, User-Agent GitHub-Hookshot/...),
as `application/json` or as `application/x-www-form-urlencoded` with the JSON in a
`payload` field. GitLab: the "Push Hook" and "Tag Push Hook" events (docs.gitlab.com,
"Webhook events") with X-Gitlab-Event, X-Gitlab-Token and friends, always JSON.
Each delivery becomes the event a Lambda function URL hands the function (payload
format 2.0): a body that is not text arrives base64-encoded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from typing import Any

SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
BEFORE = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
ZERO = "0" * 40
REPO = {
    "id": 186853002,
    "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
    "name": "legacy",
    "full_name": "acme/legacy",
    "private": True,
    "owner": {"name": "acme", "login": "acme", "id": 21031067, "type": "Organization"},
    "html_url": "https://github.com/acme/legacy",
    "default_branch": "main",
    "master_branch": "main",
}
AUTHOR = {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com",
          "username": "Codertocat"}  # fmt: skip


def github_push(ref: str = "refs/heads/main", after: str = SHA, **changes: Any) -> dict[str, Any]:
    """A `push` event: one commit pushed to `ref`."""
    commit = {
        "id": after,
        "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
        "distinct": True,
        "message": "Fix the total on the orders page\n\nThe sum skipped refunds.",
        "timestamp": "2026-11-30T09:12:44-08:00",
        "url": f"https://github.com/acme/legacy/commit/{after}",
        "author": AUTHOR,
        "committer": AUTHOR,
        "added": [],
        "removed": [],
        "modified": ["app.py"],
    }
    payload = {
        "ref": ref,
        "before": BEFORE,
        "after": after,
        "repository": REPO,
        "pusher": {"name": "Codertocat", "email": AUTHOR["email"]},
        "sender": {"login": "Codertocat", "id": 21031067, "type": "User"},
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": f"https://github.com/acme/legacy/compare/{BEFORE[:12]}...{after[:12]}",
        "commits": [commit],
        "head_commit": commit,
    }
    return payload | changes


GITHUB_PING = {
    "zen": "Design for failure.",
    "hook_id": 30,
    "hook": {"type": "Repository", "id": 30, "name": "web", "active": True, "events": ["push"],
             "config": {"content_type": "form", "insecure_ssl": "0", "url": "https://x"}},
    "repository": REPO,
    "sender": {"login": "Codertocat", "id": 21031067, "type": "User"},
}  # fmt: skip


def gitlab_push(
    kind: str = "push", ref: str = "refs/heads/main", checkout_sha: str | None = SHA
) -> dict[str, Any]:
    """A "Push Hook" (kind push) or "Tag Push Hook" (kind tag_push) event."""
    older = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    commits = [
        {"id": older, "message": "Update the README\n", "title": "Update the README",
         "timestamp": "2026-11-30T09:10:00+01:00", "author": {"name": "Jordi Mallach",
         "email": "jordi@softcatala.org"}, "added": [], "modified": ["README.md"], "removed": []},
        {"id": SHA, "message": "Fix the total on the orders page\n", "title": "Fix the total",
         "timestamp": "2026-11-30T09:12:44+01:00", "author": {"name": "GitLab dev",
         "email": "gitlabdev@dv6700.(none)"}, "added": [], "modified": ["app.py"], "removed": []},
    ]  # fmt: skip
    return {
        "object_kind": kind,
        "event_name": kind,
        "before": BEFORE,
        "after": checkout_sha or ZERO,
        "ref": ref,
        "ref_protected": True,
        "checkout_sha": checkout_sha,
        "message": None,
        "user_id": 4,
        "user_name": "John Smith",
        "user_username": "jsmith",
        "user_email": "john@example.com",
        "project_id": 15,
        "project": {
            "id": 15,
            "name": "legacy",
            "web_url": "https://gitlab.com/acme/legacy",
            "path_with_namespace": "acme/legacy",
            "default_branch": "main",
        },
        "commits": commits if checkout_sha else [],
        "total_commits_count": 2 if checkout_sha else 0,
        "repository": {"name": "legacy", "homepage": "https://gitlab.com/acme/legacy"},
    }


def _event(headers: dict[str, str], body: bytes, text: bool) -> dict[str, Any]:
    """The function URL's event for one HTTP POST."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/",
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": "/"}, "stage": "$default"},
        "body": body.decode() if text else base64.b64encode(body).decode(),
        "isBase64Encoded": not text,
    }


def github_delivery(
    payload: dict[str, Any], secret: str, form: bool, event: str = "push"
) -> dict[str, Any]:
    """GitHub's POST of `payload`: form-encoded (the default) or JSON, signed with `secret`."""
    data = json.dumps(payload, separators=(",", ":"))
    body = (urllib.parse.urlencode({"payload": data}) if form else data).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded" if form else "application/json",
        "User-Agent": "GitHub-Hookshot/a8b2c3d",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "X-GitHub-Hook-ID": "292430182",
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest(),
        "X-Hub-Signature-256": "sha256="
        + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
    }
    return _event(headers, body, text=not form)


def gitlab_delivery(payload: dict[str, Any], token: str) -> dict[str, Any]:
    """GitLab's POST of `payload` with the secret token it was given."""
    hook = "Tag Push Hook" if payload["object_kind"] == "tag_push" else "Push Hook"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitLab/18.6.0",
        "X-Gitlab-Event": hook,
        "X-Gitlab-Token": token,
        "X-Gitlab-Instance": "https://gitlab.com",
        "X-Gitlab-Webhook-UUID": "1d7ed9fd-9d16-4b55-a2b7-8ae7d6bd1c3b",
        "X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e",
    }
    return _event(headers, json.dumps(payload).encode(), text=True)
