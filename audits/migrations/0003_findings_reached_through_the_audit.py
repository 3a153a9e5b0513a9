"""The auditors of an audit reach its findings through their grant on the audit
(``Finding.scope_extra``), no longer through a view and a change grant on each finding. Those
per-finding grants only ever repeated the audit's (the services wrote them for the lead and the
team when a finding was recorded), so their table goes with its rows: nobody loses a finding they
may see through the audit; a member taken off an audit after its findings were recorded no longer
keeps them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0002_certificates_withdrawal"),
    ]

    operations = [
        migrations.DeleteModel(
            name="FindingUserObjectPermission",
        ),
    ]
