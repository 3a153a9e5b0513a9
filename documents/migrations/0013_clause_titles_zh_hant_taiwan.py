"""The Traditional Chinese titles of the ISO 9001 clauses in Taiwan usage (CNS 12681 wording, as in
locale/zh_Hant/GLOSSARY.md: 品質 not 質量, 品質管理系統 not 質量管理體系, 文件化資訊 not 成文信息,
稽核 not 審核, 管理審查 not 管理評審, 改善 not 改進…), instead of the mainland GB/T 19001 wording in
Traditional characters that 0002 seeded. A title is changed only where it still has the seeded
wording (a deployment's own edit is kept); going back restores the seeded wording likewise.

The pairs are written out here, not read from documents/data/iso9001.py, so this migration does
the same whatever that file holds later."""

from django.db import migrations

# number: (as seeded, in Taiwan usage)
TITLES = {
    "4": ("組織環境", "組織前後環境"),
    "4.1": ("理解組織及其環境", "瞭解組織及其前後環境"),
    "4.2": ("理解相關方的需求和期望", "瞭解利害關係者之需求與期望"),
    "4.3": ("確定質量管理體系的範圍", "決定品質管理系統之範圍"),
    "4.4": ("質量管理體系及其過程", "品質管理系統及其過程"),
    "5": ("領導作用", "領導作為"),
    "5.1": ("領導作用和承諾", "領導作為及承諾"),
    "5.1.1": ("總則", "一般要求"),
    "5.1.2": ("以顧客為關注焦點", "顧客導向"),
    "5.2": ("方針", "政策"),
    "5.2.1": ("制定質量方針", "建立品質政策"),
    "5.2.2": ("溝通質量方針", "傳達品質政策"),
    "5.3": ("組織的崗位、職責和權限", "組織的角色、責任及職權"),
    "6": ("策劃", "規劃"),
    "6.1": ("應對風險和機遇的措施", "處理風險與機會之措施"),
    "6.2": ("質量目標及其實現的策劃", "品質目標及其達成之規劃"),
    "6.3": ("變更的策劃", "變更之規劃"),
    "7": ("支持", "支援"),
    "7.1.1": ("總則", "一般要求"),
    "7.1.4": ("過程運行環境", "過程運作之環境"),
    "7.1.5": ("監視和測量資源", "監督與量測資源"),
    "7.1.6": ("組織的知識", "組織知識"),
    "7.2": ("能力", "適任性"),
    "7.3": ("意識", "認知"),
    "7.5": ("成文信息", "文件化資訊"),
    "7.5.1": ("總則", "一般要求"),
    "7.5.2": ("創建和更新", "建立及更新"),
    "7.5.3": ("成文信息的控制", "文件化資訊之管制"),
    "8": ("運行", "營運"),
    "8.1": ("運行的策劃和控制", "營運之規劃及管制"),
    "8.2": ("產品和服務的要求", "產品與服務之要求事項"),
    "8.3": ("產品和服務的設計和開發", "產品與服務之設計及開發"),
    "8.4": ("外部提供的過程、產品和服務的控制", "外部提供過程、產品與服務之管制"),
    "8.5": ("生產和服務提供", "生產及服務提供"),
    "8.6": ("產品和服務的放行", "產品與服務之放行"),
    "8.7": ("不合格輸出的控制", "不符合產出之管制"),
    "9": ("績效評價", "績效評估"),
    "9.1": ("監視、測量、分析和評價", "監督、量測、分析及評估"),
    "9.1.1": ("總則", "一般要求"),
    "9.1.2": ("顧客滿意", "顧客滿意度"),
    "9.1.3": ("分析與評價", "分析及評估"),
    "9.2": ("內部審核", "內部稽核"),
    "9.3": ("管理評審", "管理審查"),
    "10": ("改進", "改善"),
    "10.1": ("總則", "一般要求"),
    "10.2": ("不合格和糾正措施", "不符合事項及矯正措施"),
    "10.3": ("持續改進", "持續改善"),
}


def _retitle(apps, position_from, position_to):
    Clause = apps.get_model("documents", "Clause")
    for clause in Clause.objects.filter(number__in=TITLES):
        titles = TITLES[clause.number]
        if clause.title_zh_hant == titles[position_from]:
            clause.title_zh_hant = titles[position_to]
            clause.save(update_fields=["title_zh_hant"])


def to_taiwan_usage(apps, schema_editor):
    _retitle(apps, 0, 1)


def back_to_seeded(apps, schema_editor):
    _retitle(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("documents", "0012_search_without_marks")]
    operations = [migrations.RunPython(to_taiwan_usage, back_to_seeded)]
