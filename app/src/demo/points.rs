//! The demo's rewards: 33 redemption scenarios (the report: 30余种积分兑换应用场景).

/// 33 redemption scenarios (the report: 30余种积分兑换应用场景), with stock.
pub const REWARDS: &[(&str, &str, i64, i64)] = &[
    ("物业费减免10元", "物业", 20, 500),
    ("物业费减免50元", "物业", 90, 100),
    ("长者食堂午餐一份", "长者食堂", 15, 800),
    ("长者食堂月度餐券", "长者食堂", 120, 50),
    ("超市代金券10元", "商户", 20, 600),
    ("超市代金券20元", "商户", 38, 300),
    ("理发一次", "便民", 15, 400),
    ("停车1小时", "停车", 5, 2000),
    ("停车半天", "停车", 12, 500),
    ("洗衣一次", "便民", 10, 300),
    ("家电清洗一次", "便民", 60, 80),
    ("修鞋一次", "便民", 8, 200),
    ("配钥匙一把", "便民", 5, 500),
    ("图书借阅月卡", "文化", 10, 200),
    ("健身房单次", "文体", 12, 300),
    ("游泳单次", "文体", 15, 200),
    ("社区电影票", "文化", 10, 300),
    ("手机贴膜一次", "便民", 8, 300),
    ("磨刀一次", "便民", 3, 500),
    ("家政服务1小时", "家政", 40, 100),
    ("水电维修上门一次", "维修", 30, 150),
    ("早餐券一份", "商户", 6, 1000),
    ("牛奶一箱", "商户", 45, 100),
    ("鸡蛋一盒", "商户", 20, 200),
    ("大米一袋（5公斤）", "商户", 50, 100),
    ("食用油一桶", "商户", 60, 80),
    ("洗衣液一瓶", "商户", 25, 150),
    ("体检优惠券", "健康", 50, 100),
    ("中医推拿一次", "健康", 40, 100),
    ("儿童托管半天", "托育", 30, 60),
    ("四点半课堂一次", "托育", 10, 300),
    ("公交卡充值10元", "出行", 22, 300),
    ("绿植一盆", "生活", 15, 200),
];

/// Writes the rewards, inside the seed's transaction. They belong to the demo staff's
/// community (the first with a booking desk), whose staff verify their vouchers.
pub async fn write(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let community = crate::accounts::store::first_community_with_schedule_in(conn).await?;
    for (name, category, cost, stock) in REWARDS {
        let id = crate::points::store::insert_reward(conn, name, category, *cost, *stock).await?;
        crate::points::store::set_reward_owner(conn, id, community, None).await?;
    }
    Ok(())
}
