"""The demo's IAM Identity Center: the local stand-in plus approval pages a person clicks.

``--demo`` starts it beside the emulator on 127.0.0.1: its accounts and roles are
the demo's (Dev, Test, Prod, Audit), and GetRoleCredentials hands out a real
role session minted by the emulator's STS (the demo user assumes the role), so
the buckets list exactly as for the other demo profiles. Signing in opens the
browser on an approval page served here (*Allow* redirects to the app's loopback
listener, as AWS's page does); a device code is confirmed on a page here too.
Nothing leaves the computer.
"""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass
from typing import Any

from .emulator import DemoEnvironment
from .identity_center import Answer, SsoStandIn, portal_error

DEMO_START_URL = "https://d-0000000000.awsapps.com/start"
DEMO_SSO_REGION = "us-east-1"
DEMO_ORG = "Demo organisation"
_ACCOUNT_NAMES = {"Dev": "shop-dev", "Test": "shop-test", "Prod": "shop-prod", "Audit": "audit"}

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:4em auto;color:#16191f}}
a.button{{display:inline-block;background:#ec7211;color:#fff;padding:.6em 1.4em;
border-radius:3px;text-decoration:none;font-weight:bold}}</style></head>
<body><h1>{title}</h1><p>{text}</p><p>{action}</p>
<p><small>xacct demo: a local stand-in for IAM Identity Center on 127.0.0.1.
No AWS account is used.</small></p></body></html>"""


def page(title: str, text: str, action: str = "") -> str:
    return _PAGE.format(title=html.escape(title), text=html.escape(text), action=action)


def button(href: str, label: str) -> str:
    return f'<a class="button" href="{html.escape(href)}">{html.escape(label)}</a>'


@dataclass
class DemoIdentityCenter(SsoStandIn):
    """The stand-in, with people's pages instead of automatic approval."""

    def __post_init__(self) -> None:
        self.authorize = "page"
        self.device_pending_polls = 10**9  # until someone presses Allow

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: dict[str, Any],
        headers: dict[str, str],
    ) -> Answer:
        if method == "GET" and path == "/demo/device":
            return self._device_page(query)
        return super().handle(method, path, query, body, headers)

    def _authorize(self, query: dict[str, str]) -> Answer:
        if query.get("demo_approved") == "1":
            return super()._authorize(query)
        allow = "/authorize?" + urllib.parse.urlencode({**query, "demo_approved": "1"})
        return (
            200,
            page(
                "Allow xacct to access your data?",
                f"{DEMO_ORG} asks whether xacct may list your accounts and roles and get "
                "their credentials.",
                button(allow, "Allow access"),
            ),
            {},
        )

    def _device(self, body: dict[str, Any]) -> Answer:
        status, answer, extra = super()._device(body)
        code = answer["userCode"]
        answer["verificationUri"] = f"{self.endpoint_url}/demo/device"
        answer["verificationUriComplete"] = f"{self.endpoint_url}/demo/device?user_code={code}"
        return status, answer, extra

    def _device_page(self, query: dict[str, str]) -> Answer:
        code = query.get("user_code", "")
        with self._lock:
            device = next((d for d in self._devices.values() if d["user_code"] == code), None)
            if device is None:
                raise portal_error("ResourceNotFoundException", 404, "No such code")
            if query.get("allow") == "1":
                device["approved"] = True
                return 200, page("Approved", "Go back to xacct: it signs you in now."), {}
        allow = "/demo/device?" + urllib.parse.urlencode({"user_code": code, "allow": "1"})
        return (
            200,
            page("Confirm the code", f"Does xacct show the code {code}?", button(allow, "Allow")),
            {},
        )


def minter(env: DemoEnvironment, session_name: str = "demo-sso") -> Any:
    """(account, role) -> portal credentials: an AssumeRole by the demo user on the emulator
    (also what the tests' Identity Center stand-in hands out)."""
    import botocore.session

    session = botocore.session.Session(profile=env.source_profile)
    session.set_config_variable("config_file", env.config_file)
    session.set_config_variable("credentials_file", env.credentials_file)
    sts: Any = session.create_client("sts", region_name="us-east-1", endpoint_url=env.endpoint_url)

    def mint(account_id: str, role_name: str) -> dict[str, Any]:
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName=session_name
        )["Credentials"]
        return {
            "accessKeyId": creds["AccessKeyId"],
            "secretAccessKey": creds["SecretAccessKey"],
            "sessionToken": creds["SessionToken"],
            "expiration": int(creds["Expiration"].timestamp() * 1000),
        }

    return mint


def start_identity_center(env: DemoEnvironment) -> DemoIdentityCenter:
    """Start the demo's Identity Center for ``env``'s accounts; the caller stops it."""
    accounts = {
        p.account_id: {
            "name": _ACCOUNT_NAMES.get(p.name, p.name.lower()),
            "email": f"{p.name.lower()}@demo.example",
            "roles": [p.role_name],
        }
        for p in env.profiles
    }
    center = DemoIdentityCenter(
        accounts=accounts, region=DEMO_SSO_REGION, mint_credentials=minter(env)
    )
    center.__enter__()
    return center
