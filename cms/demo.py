"""Demo content of the public site: the home page text."""

from . import structure


def seed(log):
    home = structure.home()
    intro = (
        "<p>湘西州农村产权流转交易平台为全州农户、村集体和新型农业经营主体提供土地经营权、林权"
        "流转的挂牌、竞价、签约、结算和鉴证服务。易地扶贫搬迁户可在迁出地乡镇服务站办理。</p>"
    )
    hotline = "0743-8000000（演示）"
    if home.intro == intro and home.hotline == hotline:
        return
    home.intro, home.hotline = intro, hotline
    home.save_revision().publish()
    log("home page text")
