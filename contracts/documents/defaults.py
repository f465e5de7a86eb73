"""The exchange-wide default clauses (seeded by migration 0002; a fallback when no row exists)."""

DEFAULT_TERMS = {
    "attachments_at_expiry": (
        "乙方投资建设的可移动设施由乙方在合同期满后 30 日内自行拆除并恢复土地原状；"
        "经甲方同意保留的地上附着物及农田水利等设施，由双方按届时评估的残值协商补偿，"
        "协商不成的按本合同争议解决条款处理。"
    ),
    "expropriation_compensation": (
        "土地补偿费归发包方和甲方依法所有；地上附着物和青苗补偿费归其所有者（投资者）所有；"
        "合同因征收自动终止，甲方应退还乙方已预付的剩余期限租金（价款）。"
    ),
    "penalty_per_day_per_10k": 5,
    "dispute_resolution": "任何一方均可以向土地所在地的县（市）农村土地承包仲裁委员会申请仲裁，也可以直接向人民法院起诉。",
    "delivery_days": 10,
}
