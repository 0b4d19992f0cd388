#!/usr/bin/env python3
"""Generate the ILLUSTRATIVE sample data set of community service places in
Shenzhen Futian (Xiangmihu / Chegongmiao).

    python3 data/sample/make_sample.py [path/to/shenzhen-futian.osm]

The places, names, phone numbers, house numbers, opening hours and prices below
are made up for the demo (示例数据，非官方名录).  Only the street network is
real: each place is positioned next to a real street of the OpenStreetMap
extract (© OpenStreetMap contributors, ODbL).  For every place the script takes
the point of the named street closest to a hand-picked target and offsets it
perpendicular to the street (trying a fixed list of offsets and small shifts
along the street), keeping the first point that
  * lies inside the extract's bounding box,
  * is 10-35 m from the nearest street segment of the extract (any highway
    type, footways included), and that nearest segment belongs to the named
    street, so the address is right;
  * for near="foot": has only footway/path/steps/pedestrian ways within 40 m;
  * for near="oneway": is next to a oneway=yes part of the street that is not
    one half of a dual carriageway (walking and e-bike routes differ there).
The procedure is deterministic (no randomness); the script re-reads what it
wrote, checks it and exits non-zero on a problem.

Writes futian-services.csv and futian-services.geojson next to this script.
Standard library only.
"""

import argparse
import csv
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OSM = os.path.normpath(
    os.path.join(REPO, "data", "osm", "shenzhen-futian.osm"))
OUT_CSV = os.path.join(HERE, "futian-services.csv")
OUT_GEOJSON = os.path.join(HERE, "futian-services.geojson")

# Places must lie inside this box (lng/lat, WGS-84): the extract's bbox,
# shrunk by a few metres.
BBOX = (113.9975, 22.5170, 114.0395, 22.5502)

# Wanted distance from the nearest street segment (metres).  The published
# limits are 8-40 m; placement aims well inside them.
MIN_D, MAX_D = 10.0, 35.0
LIMIT_MIN, LIMIT_MAX = 8.0, 40.0

FIELDS = ["id", "name", "kind", "lng", "lat", "address", "opening_hours",
          "services", "phone", "floor", "notes", "price"]
KINDS = ("centre", "rest_stop", "canteen")
SERVICES = (
    "charging", "ebike_charging", "drinking_water", "hot_water", "microwave",
    "toilet", "seating", "wifi", "air_conditioning", "first_aid",
    "repair_tools", "tyre_pump", "umbrella", "reading_room", "meals",
    "elderly_meals", "meal_delivery", "government_services", "legal_advice",
    "after_school_care", "step_free")
FOOT = ("footway", "path", "steps", "pedestrian", "cycleway")
FOOT_RADIUS = 40.0

# Opening hours used below (OpenStreetMap opening_hours syntax).
OFFICE = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"
OFFICE_2 = "Mo-Fr 08:30-12:00,14:00-17:30; PH off"
OFFICE_3 = "Mo-Sa 09:00-12:00,14:00-18:00; Su,PH off"
OFFICE_4 = "Tu-Su 09:00-12:00,14:30-18:00; Mo off"
LONG_DAY = "Mo-Su 09:00-21:00"
APPOINT = 'Mo-Fr 09:00-17:00 "appointments by phone"'
REST_DAY = "Mo-Su 09:00-22:00"
REST_EARLY = "Mo-Su 07:00-20:00"
REST_NIGHT = "Mo-Su 18:00-02:00"
REST_MIX = "Mo-Fr 08:00-22:00; Sa,Su 10:00-22:00"
ALWAYS = "24/7"
MEAL_A = "Mo-Sa 10:30-13:00,16:30-18:30; Su off"
MEAL_B = "Mo-Fr 11:00-13:30,17:00-19:00; PH off"
MEAL_C = "Mo-Su 10:30-13:00,17:00-19:00"
MEAL_D = "Mo-Fr 07:00-09:00,11:00-13:30,17:00-19:00; Sa,Su 11:00-13:30"
MEAL_E = "Mo-Sa 11:00-13:00; Su,PH off"

# Service bundles.
GOV = "government_services;legal_advice;reading_room"
REST = "charging;drinking_water;microwave;seating"
MEAL = "meals;elderly_meals"


def P(id, name, kind, street, target, no, hours, services, phone="",
      floor="", notes="", price="", near=None, address=None):
    """One place.  street: the `name` of the OSM way it sits next to;
    target: rough (lng, lat) where along that street; no: house number;
    near: None, "oneway" (sit next to a oneway=yes part of the street) or
    "foot" (sit next to a footway/path/steps/pedestrian way);
    address: overrides the generated address."""
    return dict(id=id, name=name, kind=kind, street=street, target=target,
                no=no, opening_hours=hours, services=services, phone=phone,
                floor=floor, notes=notes, price=price, near=near,
                address=address)


PLACES = [
    # ---- 党群服务中心 / 党群服务站 (centre) ------------------------------
    P("xmh-centre", "香蜜湖街道党群服务中心", "centre", "农轩路",
      (114.0148, 22.5440), 28, OFFICE,
      GOV + ";after_school_care;wifi;air_conditioning;toilet;drinking_water;seating;step_free",
      "0755-83921506", 2, "有电梯，可直达二楼"),
    P("shatou-centre", "沙头街道党群服务中心", "centre", "沙嘴路",
      (114.0318, 22.5250), 66, LONG_DAY,
      GOV + ";wifi;air_conditioning;toilet;drinking_water;hot_water;seating;umbrella;step_free",
      "0755-83487120", 1, "晚间及周末开放自习室"),
    P("zhuyuan-centre", "竹园社区党群服务站", "centre", "竹香一路",
      (114.0085, 22.5451), 12, OFFICE,
      GOV + ";after_school_care;wifi;air_conditioning;drinking_water",
      "0755-83316278", 2, "二楼，无电梯"),
    P("nongke-centre", "农科社区党群服务站", "centre", "泽田路",
      (114.0115, 22.5490), 9, OFFICE_3,
      GOV + ";wifi;air_conditioning;toilet;seating;step_free",
      "0755-82930417", 1),
    P("qiaoxiang-centre", "侨香社区党群服务站", "centre", "侨香三道",
      (114.0050, 22.5500), 35, OFFICE,
      "government_services;reading_room;after_school_care;wifi;air_conditioning;toilet;drinking_water;step_free",
      "0755-83659032", 1, "2024年迁至一楼，方便老人"),
    P("xiangling-centre", "香岭社区党群服务站", "centre", "香林路",
      (114.0140, 22.5398), 17, APPOINT,
      GOV + ";wifi;air_conditioning;seating",
      "0755-83071845", 3, "三楼，楼梯上下；法律咨询请先电话预约"),
    P("donghai-centre", "东海社区党群服务站", "centre", "东海坊",
      (114.0207, 22.5415), 3, LONG_DAY,
      GOV + ";wifi;air_conditioning;toilet;drinking_water;first_aid;seating;step_free",
      "0755-83852369", 1, "位于东海坊步行街内"),
    P("xiangan-centre", "香安社区党群服务站", "centre", "香蜜湖路辅路",
      (114.0208, 22.5475), 2018, OFFICE_2,
      "government_services;legal_advice;wifi;air_conditioning;toilet;step_free",
      "", 1),
    P("zhulin-centre", "竹林社区党群服务站", "centre", "竹子林四路",
      (114.0027, 22.5385), 21, OFFICE,
      GOV + ";after_school_care;wifi;air_conditioning;toilet;drinking_water;step_free",
      "0755-83447196", 1, "周三下午提供免费法律咨询"),
    P("xiangmi-centre", "香蜜社区党群服务站", "centre", "香蜜南三街",
      (114.0310, 22.5459), 6, OFFICE_4,
      "government_services;reading_room;wifi;air_conditioning;drinking_water",
      "0755-83250784", 3, "老旧楼宇三楼，无电梯"),
    P("jingtian-centre", "景田社区党群服务站", "centre", "景田南路",
      (114.0370, 22.5462), 40, OFFICE,
      GOV + ";wifi;air_conditioning;toilet;drinking_water;seating;step_free",
      "0755-83120953", 1),
    P("tianan-centre", "天安社区党群服务中心", "centre", "泰然四路",
      (114.0240, 22.5368), 8, LONG_DAY,
      GOV + ";wifi;charging;air_conditioning;toilet;drinking_water;hot_water;seating;step_free",
      "0755-83406671", 3, "面向园区白领和新就业群体，电梯直达三楼"),
    P("shangsha-centre", "上沙社区党群服务站", "centre", "上沙建文路",
      (114.0262, 22.5255), 52, OFFICE,
      "government_services;legal_advice;after_school_care;air_conditioning;drinking_water",
      "0755-83742285", 2, "二楼，楼梯较陡"),
    P("xiasha-centre", "下沙社区党群服务站", "centre", "下沙大道",
      (114.0192, 22.5295), 15, OFFICE_3,
      GOV + ";wifi;air_conditioning;toilet;seating;step_free",
      "", 1),
    P("xinzhou-centre", "新洲社区党群服务站", "centre", "新洲九街",
      (114.0355, 22.5282), 23, OFFICE_2,
      "government_services;legal_advice;reading_room;wifi;air_conditioning",
      "0755-83569318", 3),
    P("xmpark-centre", "香蜜公园党群服务驿站", "centre", "南部栈道",
      (114.0177, 22.5455), None, "Mo-Su 09:00-18:00",
      "reading_room;drinking_water;hot_water;toilet;seating;umbrella;first_aid;step_free",
      "0755-82781034", 1, "位于香蜜公园内，需步行进入", near="foot",
      address="深圳市福田区香蜜公园南部栈道旁"),

    # ---- 骑士驿站 / 小哥驿站 / 网格驿站 (rest_stop) -----------------------
    P("cgm-rest-1", "车公庙骑士驿站", "rest_stop", "深南大道辅路",
      (114.0235, 22.5390), 6011, ALWAYS,
      REST + ";ebike_charging;hot_water;toilet;air_conditioning;wifi;first_aid;step_free",
      "0755-83662410", 1, "地铁车公庙站附近，24小时开放"),
    P("cgm-rest-2", "泰然九路小哥驿站", "rest_stop", "泰然九路",
      (114.0195, 22.5345), 11, REST_DAY,
      REST + ";hot_water;wifi;air_conditioning;repair_tools;tyre_pump;step_free",
      "0755-83051927", 1, "提供免费热水"),
    P("nongyuan-rest", "农园路小哥驿站", "rest_stop", "农园路",
      (114.0180, 22.5400), 47, REST_DAY,
      REST + ";ebike_charging;hot_water;toilet;umbrella;step_free",
      "0755-83207756", 1),
    P("kjgc-rest", "科技广场小哥驿站", "rest_stop", "科技广场路",
      (114.0270, 22.5380), 1, REST_MIX,
      REST + ";wifi;air_conditioning;toilet",
      "", 2, "位于大厦二楼连廊，需走楼梯"),
    P("xiasha-rest", "下沙网格驿站", "rest_stop", "下沙南街",
      (114.0205, 22.5262), 31, REST_EARLY,
      REST + ";hot_water;umbrella;first_aid;step_free",
      "0755-83983055", 1, "网格员和快递小哥共用"),
    P("shangsha-rest", "上沙小哥驿站", "rest_stop", "上沙椰树路",
      (114.0245, 22.5305), 19, REST_DAY,
      REST + ";ebike_charging;repair_tools;tyre_pump;step_free",
      "0755-83576602", 1),
    P("shazui-rest", "沙嘴骑士驿站", "rest_stop", "沙嘴东路",
      (114.0335, 22.5222), 5, "",
      REST + ";ebike_charging;hot_water;toilet",
      "", "", "开放时间待确认"),
    P("jindi-rest", "金地骑士驿站", "rest_stop", "金地七路",
      (114.0355, 22.5185), 3, REST_EARLY,
      REST + ";hot_water;air_conditioning;wifi;step_free",
      "0755-83314487", 1),
    P("xiangmei-rest", "香梅路口骑士驿站", "rest_stop", "深南大道辅路",
      (114.0370, 22.5412), 7008, REST_DAY,
      REST + ";ebike_charging;toilet;air_conditioning;umbrella;step_free",
      "0755-83693175", 1),
    P("zhuzilin-rest", "竹子林小哥驿站", "rest_stop", "竹子林七路",
      (114.0082, 22.5379), 2, REST_DAY,
      REST + ";ebike_charging;hot_water;wifi;tyre_pump;step_free",
      "0755-83011582", 1, "竹子林七路此段为单行道，电动车请按指示方向绕行",
      near="oneway"),
    P("antuoshan-rest", "安托山骑士驿站", "rest_stop", "安托山四路",
      (114.0016, 22.5495), 7, REST_EARLY,
      REST + ";ebike_charging;toilet;air_conditioning",
      "0755-82897640", 1, "入口有三级台阶"),
    P("jingtian-rest", "景田网格驿站", "rest_stop", "景田南五街",
      (114.0391, 22.5480), 10, REST_NIGHT,
      REST + ";hot_water;wifi;first_aid;step_free",
      "0755-83125598", 1, "夜间驿站，服务夜班骑手和网格员"),
    P("xmpark-rest", "香蜜公园户外劳动者驿站", "rest_stop", "中部栈道",
      (114.0175, 22.5500), None, REST_EARLY,
      "charging;drinking_water;hot_water;microwave;seating;toilet;umbrella;first_aid",
      "", "", "在公园栈道旁，电动车须停放在公园外", near="foot",
      address="深圳市福田区香蜜公园中部栈道旁"),
    P("hongshulin-rest", "红树林路户外劳动者驿站", "rest_stop", None,
      (114.0030, 22.5315), None, "Mo-Su 08:00-20:00",
      "charging;drinking_water;hot_water;seating;toilet;first_aid;step_free",
      "0755-83437761", "", "位于公园步道旁，距红树林路约100米，需步行进入", near="foot",
      address="深圳市福田区红树林路西侧公园步道旁"),
    P("baishi-rest", "白石路骑士驿站", "rest_stop", "白石路",
      (114.0100, 22.5338), 1099, ALWAYS,
      REST + ";ebike_charging;hot_water;toilet;repair_tools;step_free",
      "0755-83861249", 1),

    # ---- 长者食堂 / 社区食堂 (canteen) -----------------------------------
    P("xiangling-canteen", "香岭社区长者食堂", "canteen", "香轩路",
      (114.0170, 22.5425), 16, MEAL_A,
      MEAL + ";meal_delivery;seating;air_conditioning;step_free",
      "0755-83072216", 1, "60岁以上老人凭身份证就餐",
      price="60岁以上10元/餐，其他居民15元"),
    P("jingtian-canteen", "景田社区食堂", "canteen", "景田南七街",
      (114.0365, 22.5435), 8, MEAL_C,
      MEAL + ";seating;air_conditioning;toilet;step_free",
      "0755-83129470", 1, "居民和上班族均可就餐",
      price="长者12元/餐，居民18元/餐"),
    P("zhuyuan-canteen", "竹园社区长者食堂", "canteen", "农林路",
      (114.0125, 22.5420), 39, MEAL_B,
      MEAL + ";meal_delivery;seating;air_conditioning",
      "0755-83318805", 2, "二楼，无电梯；行动不便可申请送餐",
      price="60岁以上11元/餐，80岁以上8元/餐"),
    P("qiaoxiang-canteen", "侨香社区长者食堂", "canteen", "侨香路",
      (114.0045, 22.5476), 4018, MEAL_A,
      MEAL + ";meal_delivery;seating;air_conditioning;step_free",
      "0755-83652231", 1, "可提前一天电话订餐",
      price="一荤两素长者10元，居民16元"),
    P("nongke-canteen", "农科社区长者食堂", "canteen", "春田路",
      (114.0140, 22.5478), 5, MEAL_E,
      MEAL + ";seating;drinking_water;step_free",
      "", 1, "", price="长者每餐12元，其他居民每餐16元"),
    P("donghai-canteen", "东海社区长者食堂", "canteen", "香蜜湖路辅路",
      (114.0230, 22.5412), 1026, MEAL_D,
      MEAL + ";meal_delivery;seating;air_conditioning;toilet;step_free",
      "0755-83856724", 1, "提供早餐；可提前一天电话订餐",
      price="早餐5元；午晚餐长者10元、居民15元"),
    P("zhulin-canteen", "竹林社区长者食堂", "canteen", "紫竹七道",
      (114.0050, 22.5370), 14, MEAL_A,
      MEAL + ";meal_delivery;seating;air_conditioning;step_free",
      "0755-83443089", 1, "紫竹七道为单行道，电动车请按指示方向绕行",
      price="60岁以上10元/餐，其他居民15元", near="oneway"),
    P("xiangan-canteen", "香安社区长者食堂", "canteen", "农坊路",
      (114.0203, 22.5440), 6, MEAL_B,
      MEAL + ";seating;hot_water",
      "0755-83909126", 2, "二楼，楼梯上下",
      price="长者11元/餐，居民17元/餐"),
    P("tianan-canteen", "天安社区食堂", "canteen", "泰然五路",
      (114.0256, 22.5335), 3, MEAL_C,
      "meals;elderly_meals;meal_delivery;seating;air_conditioning;toilet;step_free",
      "0755-83418857", 1, "园区职工亦可就餐",
      price="按菜品计价，长者每餐补贴3元"),
    P("shangsha-canteen", "上沙社区长者食堂", "canteen", "上沙东村九巷",
      (114.0285, 22.5225), 12, MEAL_A,
      MEAL + ";seating",
      "", 1, "入口有台阶",
      price="60岁以上9元/餐，其他居民14元"),
    P("xiasha-canteen", "下沙社区长者食堂", "canteen", "祠堂后街",
      (114.0215, 22.5288), 7, "",
      MEAL + ";seating;air_conditioning;step_free",
      "0755-83986640", "", "营业时间请电话咨询",
      price="长者10元/餐"),
    P("shazui-canteen", "沙嘴社区长者食堂", "canteen", "沙嘴中心路",
      (114.0307, 22.5222), 18, MEAL_B,
      MEAL + ";meal_delivery;seating;air_conditioning;step_free",
      "0755-83490523", 1, "60岁以上老人凭身份证就餐",
      price="60岁以上10元/餐，其他居民15元"),
    P("xinzhou-canteen", "新洲社区食堂", "canteen", "新洲七街",
      (114.0370, 22.5262), 26, MEAL_C,
      "meals;elderly_meals;seating;air_conditioning;toilet;step_free",
      "0755-83568170", 1, "",
      price="荤素自选，约15-20元/餐；长者凭卡九折"),
    P("jindi-canteen", "金地社区长者食堂", "canteen", "金地一路",
      (114.0385, 22.5182), 20, MEAL_E,
      MEAL + ";meal_delivery;seating",
      "0755-83302917", 2, "二楼，无电梯；可送餐上门",
      price="长者12元/餐，居民16元/餐"),
]


# ---------------------------------------------------------------- geometry

LAT0 = 22.534
KY = 111132.92 - 559.82 * math.cos(2 * math.radians(LAT0)) \
    + 1.175 * math.cos(4 * math.radians(LAT0))          # metres / degree lat
KX = 111412.84 * math.cos(math.radians(LAT0)) \
    - 93.5 * math.cos(3 * math.radians(LAT0))           # metres / degree lng
LNG0 = 114.0


def to_xy(lng, lat):
    return ((lng - LNG0) * KX, (lat - LAT0) * KY)


def to_lnglat(x, y):
    return (x / KX + LNG0, y / KY + LAT0)


def closest_on_segment(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    l2 = dx * dx + dy * dy
    u = 0.0 if l2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2))
    q = (a[0] + u * dx, a[1] + u * dy)
    return math.hypot(p[0] - q[0], p[1] - q[1]), q


class Network:
    CELL = 50.0

    def __init__(self, path):
        root = ET.parse(path).getroot()
        nodes = {n.get("id"): (float(n.get("lon")), float(n.get("lat")))
                 for n in root.iter("node")}
        self.ways = {}
        self.segs = []          # (a, b, way_id)
        for w in root.iter("way"):
            tags = {t.get("k"): t.get("v") for t in w.findall("tag")}
            if "highway" not in tags:
                continue
            pts = [to_xy(*nodes[nd.get("ref")]) for nd in w.findall("nd")]
            self.ways[w.get("id")] = tags
            for a, b in zip(pts, pts[1:]):
                self.segs.append((a, b, w.get("id")))
        self.grid = {}
        for i, (a, b, _) in enumerate(self.segs):
            for cx in range(int(math.floor(min(a[0], b[0]) / self.CELL)),
                            int(math.floor(max(a[0], b[0]) / self.CELL)) + 1):
                for cy in range(int(math.floor(min(a[1], b[1]) / self.CELL)),
                                int(math.floor(max(a[1], b[1]) / self.CELL)) + 1):
                    self.grid.setdefault((cx, cy), []).append(i)
        self.single_oneway = self._single_oneway()

    def _single_oneway(self):
        """Ways with oneway=yes that are not one half of a dual carriageway
        (no way of the same name running the opposite way within 40 m)."""
        by_name = {}
        for i, (a, b, wid) in enumerate(self.segs):
            name = self.ways[wid].get("name")
            if name:
                by_name.setdefault(name, []).append(i)
        result = set()
        for wid, tags in self.ways.items():
            if tags.get("oneway") != "yes" or "name" not in tags:
                continue
            mine = [s for s in by_name[tags["name"]] if self.segs[s][2] == wid]
            paired = False
            for s in mine:
                a, b, _ = self.segs[s]
                m = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                d = (b[0] - a[0], b[1] - a[1])
                dl = math.hypot(*d)
                for o in by_name[tags["name"]]:
                    oa, ob, owid = self.segs[o]
                    if owid == wid:
                        continue
                    e = (ob[0] - oa[0], ob[1] - oa[1])
                    el = math.hypot(*e)
                    if dl == 0 or el == 0:
                        continue
                    dist, _ = closest_on_segment(m, oa, ob)
                    if dist < 40 and (d[0] * e[0] + d[1] * e[1]) / (dl * el) < -0.7:
                        paired = True
                        break
                if paired:
                    break
            if not paired:
                result.add(wid)
        return result

    def nearest(self, p, radius=100.0):
        """(distance, way_id) of the nearest segment within radius, else (inf, None)."""
        best = (float("inf"), None)
        r = int(math.ceil(radius / self.CELL))
        cx, cy = int(math.floor(p[0] / self.CELL)), int(math.floor(p[1] / self.CELL))
        seen = set()
        for gx in range(cx - r, cx + r + 1):
            for gy in range(cy - r, cy + r + 1):
                for i in self.grid.get((gx, gy), ()):
                    if i in seen:
                        continue
                    seen.add(i)
                    a, b, wid = self.segs[i]
                    d, _ = closest_on_segment(p, a, b)
                    if d < best[0]:
                        best = (d, wid)
        return best

    def ways_within(self, p, radius):
        """Ids of the ways that pass within radius metres of p."""
        out = set()
        r = int(math.ceil(radius / self.CELL))
        cx, cy = int(math.floor(p[0] / self.CELL)), int(math.floor(p[1] / self.CELL))
        for gx in range(cx - r, cx + r + 1):
            for gy in range(cy - r, cy + r + 1):
                for i in self.grid.get((gx, gy), ()):
                    a, b, wid = self.segs[i]
                    if closest_on_segment(p, a, b)[0] <= radius:
                        out.add(wid)
        return out

    def anchor_segments(self, place):
        out = []
        for i, (a, b, wid) in enumerate(self.segs):
            tags = self.ways[wid]
            if place["street"] is not None and tags.get("name") != place["street"]:
                continue
            if place["near"] == "oneway" and wid not in self.single_oneway:
                continue
            if place["near"] == "foot" and tags["highway"] not in FOOT:
                continue
            if a == b:
                continue
            out.append(i)
        return out


def acceptable(net, place, p):
    lng, lat = to_lnglat(*p)
    if not (BBOX[0] <= lng <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]):
        return False
    d, wid = net.nearest(p)
    if not (MIN_D <= d <= MAX_D):
        return False
    tags = net.ways[wid]
    if place["street"] is not None and tags.get("name") != place["street"]:
        return False
    if place["near"] == "foot":
        # inside a walking-only area: nothing but footways, paths, steps
        # and pedestrian streets within FOOT_RADIUS
        if any(net.ways[w]["highway"] not in FOOT
               for w in net.ways_within(p, FOOT_RADIUS)):
            return False
    if place["near"] == "oneway" and wid not in net.single_oneway:
        return False
    return True


def locate(net, place):
    """Deterministic placement: walk along the anchor street from the point
    closest to the target, offset perpendicular, first acceptable point wins."""
    target = to_xy(*place["target"])
    cands = []
    for i in net.anchor_segments(place):
        a, b, _ = net.segs[i]
        d, q = closest_on_segment(target, a, b)
        cands.append((d, i, q))
    if not cands:
        raise SystemExit("no anchor street for %s" % place["id"])
    cands.sort()
    # preferred distance from the street varies from place to place
    # (shop front, set-back building, inside a compound)
    offsets = [20, 15, 25, 12, 30, 18, 22, 28, 33]
    k = PLACES.index(place) % len(offsets)
    offsets = offsets[k:] + offsets[:k]
    for d0, i, q in cands[:40]:
        a, b, _ = net.segs[i]
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy)
        ux, uy = dx / length, dy / length
        nx, ny = -uy, ux
        # prefer the side of the street where the target lies
        side = 1.0 if (target[0] - q[0]) * nx + (target[1] - q[1]) * ny >= 0 else -1.0
        for shift in (0, 8, -8, 16, -16, 24, -24, 32, -32):
            base = (q[0] + ux * shift, q[1] + uy * shift)
            # stay on this segment
            t = (base[0] - a[0]) * ux + (base[1] - a[1]) * uy
            if t < 0 or t > length:
                continue
            for s in (side, -side):
                for off in offsets:
                    p = (base[0] + s * nx * off, base[1] + s * ny * off)
                    if acceptable(net, place, p):
                        return p
    raise SystemExit("could not place %s" % place["id"])


# ---------------------------------------------------------------- output

def build_rows(net):
    rows = []
    for place in PLACES:
        x, y = locate(net, place)
        lng, lat = to_lnglat(x, y)
        address = place["address"] or "深圳市福田区%s%s号" % (place["street"], place["no"])
        rows.append({
            "id": place["id"],
            "name": place["name"],
            "kind": place["kind"],
            "lng": "%.6f" % lng,
            "lat": "%.6f" % lat,
            "address": address,
            "opening_hours": place["opening_hours"],
            "services": place["services"],
            "phone": place["phone"],
            "floor": "" if place["floor"] in ("", None) else str(place["floor"]),
            "notes": place["notes"],
            "price": place["price"],
        })
    return rows


def to_feature(row):
    props = {}
    for key in ("id", "name", "kind", "address", "opening_hours", "services",
                "phone", "floor", "notes", "price"):
        value = row[key]
        if value == "":
            continue
        if key == "services":
            value = value.split(";")
        elif key == "floor":
            value = int(value)
        props[key] = value
    return {
        "type": "Feature",
        "geometry": {"type": "Point",
                     "coordinates": [float(row["lng"]), float(row["lat"])]},
        "properties": props,
    }


def write(rows):
    with open(OUT_CSV, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    fc = {"type": "FeatureCollection",
          "features": [to_feature(r) for r in rows]}
    with open(OUT_GEOJSON, "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- checks

def check(net):
    """Re-read both files and check them; returns a list of problems."""
    problems = []
    with open(OUT_CSV, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != FIELDS:
            problems.append("bad header %r" % reader.fieldnames)
        rows = list(reader)
    with open(OUT_GEOJSON, encoding="utf-8") as f:
        features = json.load(f)["features"]
    if len(rows) != len(features):
        problems.append("csv/geojson length differ")
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        problems.append("duplicate ids")
    dists = []
    for r, feat in zip(rows, features):
        if r["kind"] not in KINDS:
            problems.append("%s: bad kind" % r["id"])
        for code in r["services"].split(";"):
            if code not in SERVICES:
                problems.append("%s: bad service %r" % (r["id"], code))
        lng, lat = float(r["lng"]), float(r["lat"])
        if not (113.997 <= lng <= 114.040 and 22.517 <= lat <= 22.551):
            problems.append("%s: outside bbox" % r["id"])
        d, wid = net.nearest(to_xy(lng, lat))
        dists.append((d, r["id"], wid))
        if not (LIMIT_MIN <= d <= LIMIT_MAX):
            problems.append("%s: %.1f m from nearest street" % (r["id"], d))
        if to_feature(r) != feat:
            problems.append("%s: csv and geojson differ" % r["id"])
        if r["price"] and r["kind"] != "canteen":
            problems.append("%s: price on a non-canteen" % r["id"])
    return problems, dists


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("osm", nargs="?", default=DEFAULT_OSM,
                    help="OSM XML street network (default: %(default)s)")
    args = ap.parse_args()
    net = Network(args.osm)
    rows = build_rows(net)
    write(rows)
    problems, dists = check(net)
    counts = {k: sum(1 for r in rows if r["kind"] == k) for k in KINDS}
    print("wrote %d places %s" % (len(rows), counts))
    print("distance to nearest street segment: min %.1f m, max %.1f m"
          % (min(dists)[0], max(dists)[0]))
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
