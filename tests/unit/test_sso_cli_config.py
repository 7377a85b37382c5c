"""The Identity Centers an AWS CLI config names are found (URL and region only)."""

from __future__ import annotations

from xacct_gui.core.sso.cli_config import cli_sso_instances

CONFIG = """\
[default]
region = eu-west-1

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile acme-dev]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = Admin

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[sso-session again]
sso_start_url = https://acme.awsapps.com/start/#/
sso_region = eu-west-1

[sso-session new]
sso_start_url = https://ssoins-1234567890abcdef.portal.ap-southeast-2.app.aws

[sso-session broken]
sso_start_url = https://example.com/start
sso_region = eu-west-1

[sso-session empty]
sso_region = eu-west-1

[services acme]
sso_start_url = https://ignored.awsapps.com/start
"""


def test_sessions_and_legacy_profiles_become_instances_once_per_start_url() -> None:
    found = cli_sso_instances(CONFIG)
    assert [(i.name, i.start_url, i.region) for i in found.instances] == [
        ("acme", "https://acme.awsapps.com/start", "eu-west-1"),
        ("legacy", "https://d-1234567890.awsapps.com/start", "us-east-1"),
        ("new", "https://ssoins-1234567890abcdef.portal.ap-southeast-2.app.aws", "ap-southeast-2"),
    ]
    assert len(found.problems) == 2
    assert found.problems[0].startswith("[sso-session broken] (line 27): ")
    assert "not an IAM Identity Center portal" in found.problems[0]
    assert found.problems[1] == "[sso-session empty] (line 31) has no sso_start_url."


def test_a_config_without_identity_center_finds_none() -> None:
    found = cli_sso_instances("[default]\nregion = eu-west-1\n[profile x]\nrole_arn = a\n")
    assert found.instances == () and found.problems == ()
