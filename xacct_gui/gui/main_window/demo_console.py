"""The demo's stand-in for the AWS console: a local page saying what would happen.

The demo's credentials belong to the local emulator; sending them to the real
AWS federation endpoint would break the demo's promise that nothing leaves
the computer (and could not work). *Open AWS console* opens this page instead.
"""

from __future__ import annotations

import html
from pathlib import Path

from xacct_gui.core.colors import text_color_for
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import write_atomically

PAGE_NAME = "aws-console-demo.html"


def demo_console_page(profile: RoleProfile, destination: str | None) -> str:
    """The page's HTML: which role, where, and what the real app would send."""
    role = html.escape(profile.banner_text)
    arn = html.escape(profile.role_arn)
    where = html.escape(destination) if destination else "the console's home page"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>xacct demo: AWS console as {role}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto;
       padding: 0 1em; color: #16191f; background: #ffffff; }}
.bar {{ background: {html.escape(profile.color_hex)}; padding: .75em 1em; border-radius: 6px;
       font-weight: 600; }}
code {{ background: #f2f3f3; padding: 0 .25em; border-radius: 3px; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #e9ebed; background: #16191f; }} code {{ background: #2a2e33; }}
}}
</style></head><body>
<p class="bar" style="color: {text_color_for(profile.color_hex)}">{role}</p>
<h1>This is where the AWS console would open</h1>
<p>Outside the demo, xacct would now trade the temporary credentials of
<code>{arn}</code> for a one-time sign-in link at the AWS federation endpoint
(<code>signin.aws.amazon.com</code>) and open the console in this browser,
signed in as that role, at {where}.</p>
<p>In the demo those credentials belong to a local AWS emulator on this computer:
they would not work on the real AWS, and nothing was sent anywhere.</p>
</body></html>
"""


def write_demo_console_page(directory: Path, profile: RoleProfile, destination: str | None) -> Path:
    path = directory / PAGE_NAME
    write_atomically(path, demo_console_page(profile, destination))
    return path
