#!/bin/sh
# SPDX-License-Identifier: MIT
# Sample data for the preparedness registers in a demo database that has the
# example plans loaded (tools/demo.sh calls this after loading them): a few
# hazards in several states, inspection checklists with a round, drills held
# with follow-up tasks and the terms and frequencies they count against,
# resources with one low-stock and one expiring item and an incident-free
# adjustment, and a few external phone numbers. Dates are relative to today
# so that deadlines, overdue hazards and expiry alerts show up.
# usage: tools/demo-registers.sh MUSTER_BINARY DB
set -eu
bin=$1
db=$2
m() {
    MUSTER_ACTOR=demo "$bin" --db "$db" "$@" >/dev/null
}
day() { # day N: today + N days (N may be negative), YYYY-MM-DD in Asia/Shanghai
    TZ=Asia/Shanghai date -d "$1 days" +%F
}

S=qingshan-no3-school
T=hewan-township-flood

# ---- hazards (隐患排查整改)
m hazard add --plan "$S" --place 实验楼三楼东侧走廊 --description 两具干粉灭火器压力不足 \
    --severity high --unit general-affairs --owner sun-wei --due "$(day 7)"
m hazard add --plan "$S" --place 食堂后厨 --description 燃气软管老化开裂 --severity high \
    --unit canteen --owner guo-fang --due "$(day -3)"
m hazard add --plan "$S" --place 教学楼北侧楼梯 --description 应急照明灯不亮 --severity medium \
    --unit security --owner liu-gang --due "$(day 14)"
m hazard add --plan "$T" --place 柳树村河堤 --description 堤脚有渗水点 --severity high \
    --unit liushu --owner wang-guilin --due "$(day 2)"
m hazard note 1 --text 已报总务处采购，预计三日内到货
m hazard rectify 3 --by liu-gang --note 已更换灯管并测试
m hazard verify 3 --by wang-zhiqiang
m hazard checklist add --plan "$S" --name 食堂消防安全检查 --unit canteen \
    --item 灭火器在有效期内 --item 疏散通道畅通 --item 燃气阀门下班关闭 --item 排烟罩无油污
m hazard inspect 1 --by guo-fang --date "$(day -3)" --failed 3 --note 燃气软管老化，已登记隐患

# ---- drills held (演练台账)
m drill-record terms "$(day -60)..$(day 10)"
m drill-record require fire-evacuation 1
m drill-record require earthquake 1
m drill-record add --plan "$S" --date "$(day -20)" --kind fire-evacuation \
    --scenario 教学楼二楼化学实验室起火，全校师生疏散 --participants 1260 --duration 40m \
    --evacuation 3m45s --finding 三楼东侧楼梯口拥堵 --finding 操场广播声音小，后排听不清
m drill-record task 1 --finding 1 --owner he-jun --due "$(day 5)"
m drill-record task 1 --finding 2 --owner sun-wei --due "$(day 10)"
m drill-record add --plan "$T" --date "$(day -10)" --kind flood \
    --scenario 柳树村河堤管涌，转移低洼处群众 --participants 86 --duration 2h --evacuation 35m \
    --finding 两户老人需专人背送

# ---- resources (应急物资)
m resource add --plan "$S" --name 干粉灭火器 --quantity 28 --unit-of-measure 具 \
    --category equipment --location 各教学楼楼层 --custodian sun-wei --min 30 --expires "$(day 90)"
m resource add --plan "$S" --name 急救药箱 --quantity 12 --unit-of-measure 个 --category supply \
    --location 校医室 --custodian tang-xiaoyan --expires "$(day 20)"
m resource add --plan "$T" --name 防汛沙袋 --quantity 2000 --unit-of-measure 条 \
    --category supply --location 镇防汛物资仓库 --custodian wei-qiang --min 1500
m resource add --plan "$T" --name 应急指挥车 --quantity 1 --unit-of-measure 辆 --category vehicle \
    --location 镇政府车库 --custodian pan-xiaodong
m resource add --plan "$T" --name 应急备用金 --quantity 50000 --unit-of-measure 元 \
    --category cash --custodian pan-xiaodong
m resource adjust 3 --by -300 --reason 支援柳树村河堤加固

# ---- contacts (应急通讯录)
m contact add --name 青山市人民医院急诊 --phone 0571-80002120 --category hospital
m contact add --name 青山市教育局值班室 --phone 0571-80003000 --category authority --note 24小时值班
m contact add --name 县应急管理局值班室 --phone 0571-80004000 --category authority --note 24小时值班
m contact add --name 河湾镇卫生院 --phone 0571-80005120 --category hospital
