"""The default site's footer: the host organisation and filing numbers (demo values, marked as
such; staff replace them in the Wagtail admin under 设置 → 页脚信息)."""

from django.db import migrations

FOOTER = {
    "organisation": "湘西州农村产权流转交易中心（演示）",
    "address": "湖南省湘西土家族苗族自治州吉首市人民北路（演示地址）",
    "phone": "0743-8000000",
    "email": "service@example.invalid",
    "opening_hours": "工作日 8:30–12:00，14:30–17:30",
    "icp_number": "湘ICP备00000000号-1（演示）",
    "psb_number": "湘公网安备43310102000000号（演示）",
}


def footer(apps, schema_editor):
    Site = apps.get_model("wagtailcore.Site")
    Footer = apps.get_model("cms.SiteFooterSettings")
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        Footer.objects.get_or_create(site=site, defaults=FOOTER)


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_site_chrome_pages_and_footer")]
    operations = [migrations.RunPython(footer, migrations.RunPython.noop)]
