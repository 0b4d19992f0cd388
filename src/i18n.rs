//! Every string the user sees, in Chinese (default) and English.

use linli_core::{Amenity, Kind, Mode};

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English (`lang=en`).
    En,
}

impl Lang {
    /// From a `lang` URL parameter: `en…` is English, anything else Chinese.
    pub fn from_param(p: Option<&str>) -> Lang {
        match p {
            Some(v) if v.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// `zh` or `en`, for the `lang` URL parameter.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The other language (what the switch offers).
    pub const fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language of the "hours in words" helpers of the core.
    pub const fn words(self) -> linli_core::hours::Language {
        match self {
            Lang::Zh => linli_core::hours::Language::Zh,
            Lang::En => linli_core::hours::Language::En,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A fixed piece of interface text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($key,)* }

        impl T {
            /// Every key, for completeness tests.
            #[cfg_attr(not(test), allow(dead_code))]
            pub const ALL: &'static [T] = &[$(T::$key,)*];

            /// The text in `lang`.
            pub const fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::Zh) => $zh, (T::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

texts! {
    AppTitle => "邻里 · 身边的服务", "Linli · services nearby";
    AppTitleShort => "邻里", "Linli";
    SampleNotice => "示例数据，非官方名录", "Sample data, not an official listing";
    SampleShort => "示例", "Sample";
    LanguageSwitchShort => "EN", "中文";
    LocateShort => "定位", "Locate";
    FiltersShort => "筛选", "Filters";
    OriginGpsShort => "起点：我的位置", "Start: my location";
    OriginMapShort => "起点：地图上的点", "Start: point on the map";
    OriginUrlShort => "起点：链接中的点", "Start: point in the link";
    ShowMap => "地图", "Map";
    ShowList => "返回列表", "Back to the list";
    BackToDetail => "返回详情", "Back to the details";
    Share => "分享", "Share";
    ShareCopied => "链接已复制，可以粘贴发给别人。", "Link copied: paste it to share.";
    ShareManual => "请复制这个链接：", "Copy this link:";
    ShareLinkLabel => "要分享的链接", "Link to share";
    MapLoading => "正在加载地图…", "Loading the map…";
    MapFailed => "地图无法加载。列表仍可使用。", "The map could not be loaded. The list still works.";
    ClusterHint => "点击放大", "tap to zoom in";
    WayThere => "怎么去", "How to get there";
    ShowRouteOnMap => "在地图上看路线", "See the route on the map";
    FromStart => "从起点出发", "from the starting point";
    HoursThisWeek => "本周营业时间", "Opening hours this week";
    RawRule => "营业时间原始规则（OpenStreetMap 格式）", "The hours as written (OpenStreetMap format)";
    Loading => "正在加载地图数据…", "Loading map data…";
    LoadFailed => "地图数据加载失败", "The map data could not be loaded";
    Retry => "重试", "Try again";
    PartlyLoaded => "部分区域尚未加载", "Part of the area is not loaded yet";
    CoverWhole => "加载全区并计算", "Load the whole area and compute";
    Cancel => "取消", "Cancel";
    TilesLoading => "正在加载附近的地图数据…", "Loading map data for this area…";
    TilesError => "附近的地图数据没有加载成功。", "Map data for this area could not be loaded.";
    MorePlaces => "显示更多地点", "Show more places";
    ErrNetwork => "网络连接失败，请检查网络后重试。", "The network request failed. Check your connection and try again.";
    ErrHttp => "服务器没有提供数据文件", "The server did not provide the data file";
    ErrCorrupt => "数据文件已损坏或不完整，无法读取。", "The data file is damaged or incomplete and cannot be read.";
    ErrVersion => "数据文件的格式版本与本页面不匹配，无法读取。请刷新页面；如仍不行，文件可能已损坏。", "The data file's format version does not match this page, so it cannot be read. Reload the page; if that does not help, the file may be damaged.";
    ErrNotBundle => "下载的文件不是邻里数据文件，无法读取。", "The downloaded file is not a Linli data file and cannot be read.";
    ErrTooLarge => "数据文件太大，本页面无法打开（上限 64 MB）。请确认数据地址是否正确。", "The data file is too large for this page to open (the limit is 64 MB). Check that the data address is right.";
    ErrStalled => "服务器长时间没有响应，数据没有下载完。请稍后重试。", "The server stopped answering before the data had arrived. Try again in a moment.";
    ErrTooSlow => "数据下载太慢，两分钟内没有完成。请换个网络后重试。", "The data took more than two minutes to download. Try again on a better connection.";
    ErrExtentTooLarge => "这个数据文件覆盖的范围太大（超过约 200 公里见方），不是一个城区的数据，无法打开。", "This data file covers too large an area (more than about 200 km across) to be one district's data, so it cannot be opened.";
    ErrOutsideExtent => "数据文件中有位置超出了文件声明的范围，文件可能已损坏，无法打开。", "The data file has positions outside the area it declares; it may be damaged, so it cannot be opened.";
    Preparing => "正在准备数据…", "Preparing the data…";
    TechnicalDetail => "技术信息", "Technical detail";
    Crashed => "抱歉，页面出错了。请重新加载页面。", "Sorry, something went wrong on this page. Please reload it.";
    Reload => "重新加载", "Reload";
    UseMapCentre => "以地图中心为起点", "Start from the map centre";
    Locating => "正在定位…", "Finding your location…";
    OriginGps => "起点：我的位置", "Start: my location";
    OriginMap => "起点：地图上选择的位置", "Start: the point chosen on the map";
    OriginUrl => "起点：链接中给出的位置", "Start: the point given in the link";
    OriginCentre => "起点：区域中心（地图上的蓝圈）。点击地图或使用您的位置可更改。", "Start: the area centre (the blue ring on the map). Tap the map or use your location to change it.";
    OriginCentreShort => "起点：区域中心", "Start: the area centre";
    AreaCentre => "区域中心", "Area centre";
    MyLocation => "我的位置", "Locate me";
    GeoDenied => "无法使用您的位置：定位权限被拒绝。请点击地图选择起点，或在浏览器设置中允许定位。", "Your location can't be used: permission was denied. Tap the map to choose a starting point, or allow location in your browser settings.";
    GeoUnavailable => "暂时无法获取您的位置。请点击地图选择起点，或稍后再试。", "Your location is not available right now. Tap the map to choose a starting point, or try again later.";
    GeoTimeout => "定位超时。请点击地图选择起点，或再试一次。", "Finding your location took too long. Tap the map to choose a starting point, or try again.";
    GeoUnsupported => "此浏览器不支持定位。请点击地图选择起点。", "This browser cannot share its location. Tap the map to choose a starting point.";
    GeoOutside => "您的位置不在本地图范围内，已改为从区域中心出发。请点击地图选择起点。", "Your location is outside this map's area, so results start from the area centre. Tap the map to choose a starting point.";
    UrlOutside => "链接中的起点不在本地图范围内，已改为从区域中心出发。请点击地图或使用您的位置选择起点。", "The link's starting point is outside this map's area, so results start from the area centre. Tap the map or use your location to choose one.";
    UnknownPlace => "链接中的服务点不在本数据中：", "The link names a place that is not in this data: ";
    NoStreetNearby => "起点附近没有可通行的道路，请在地图上另选起点。", "There is no usable street near the starting point. Choose another point on the map.";
    ModeLabel => "出行方式", "Travel mode";
    ModeWalk => "步行", "Walk";
    ModeEbike => "电动车", "E-bike";
    ModeStepFree => "无障碍", "Step-free";
    KindLabel => "类型", "Type";
    KindAll => "全部", "All";
    KindCentre => "服务中心", "Service centre";
    KindRestStop => "骑士驿站", "Rest stop";
    KindCanteen => "食堂", "Canteen";
    KindCentreShort => "中心", "Centres";
    KindRestStopShort => "驿站", "Rest stops";
    KindCanteenShort => "食堂", "Meals";
    FiltersLabel => "需要的服务", "Services needed";
    OpenLabel => "营业状态", "Open or closed";
    OpenAll => "全部显示", "Show all";
    OpenFirst => "营业中优先", "Open first";
    OpenOnly => "只看营业中", "Open now only";
    OrderDistance => "按路线距离排序，最近的在前。", "Nearest first, by route.";
    OrderOpenFirst => "营业中的排在前面，再按路线距离排序。", "Open places first, then nearest first by route.";
    OrderEvening => "现在是晚上：营业中的排在前面，再按路线距离排序。", "It is evening: open places first, then nearest first by route.";
    OrderOpenFirstShort => "营业中的排在前面", "Open places first";
    OrderOnlyOpen => "只显示营业中的，最近的在前。", "Only places open now, nearest first.";
    MoreOptions => "出行方式和筛选", "Travel mode and filters";
    ServicesCount => "项服务", "services";
    ResultsLabel => "附近的服务点", "Nearby places";
    NoResults => "没有符合条件的服务点。请减少筛选条件。", "No place matches. Try fewer filters.";
    Unreachable => "无法到达", "Cannot be reached";
    UnreachableHint => "按当前出行方式没有可达路线", "No route in this travel mode";
    StraightLine => "直线", "straight line";
    Minutes => "分钟", "min";
    StateOpen => "营业中", "Open";
    StateClosing => "即将关门", "Closing soon";
    StateClosed => "已关门", "Closed";
    StateUnknown => "营业时间未知", "Hours unknown";
    StateHoliday => "节假日休息", "Closed for the holiday";
    CalendarUnknown => "本年的节假日安排未知：按平日规则显示营业时间。", "This year's public holidays are not known: hours follow the ordinary weekly rules.";
    AlwaysOpen => "24小时营业", "Open 24 hours";
    Closes => "关门", "closes";
    Opens => "开门", "opens";
    Today => "今天", "today";
    Tomorrow => "明天", "tomorrow";
    Back => "返回列表", "Back to the list";
    Address => "地址", "Address";
    Floor => "楼层", "Floor";
    StepFreeAccess => "无障碍通行", "Step-free access";
    StepFreeYes => "有（可无台阶到达）", "Yes (reachable without steps)";
    StepFreeNo => "未标明无障碍通行", "Step-free access not indicated";
    Hours => "营业时间", "Opening hours";
    Services => "服务", "Services";
    Phone => "电话", "Phone";
    Price => "价格", "Price";
    Notes => "说明", "Notes";
    RouteByMode => "路线距离", "Route distance";
    OpenInAmap => "高德地图", "Amap";
    OpenInMapApp => "其他地图应用", "Another map app";
    MapLabel => "地图：点击选择起点", "Map: tap to choose the starting point";
    YouAreHere => "起点", "Starting point";
    LanguageSwitch => "English", "中文";
    Weekday1 => "周一", "Mon";
    Weekday2 => "周二", "Tue";
    Weekday3 => "周三", "Wed";
    Weekday4 => "周四", "Thu";
    Weekday5 => "周五", "Fri";
    Weekday6 => "周六", "Sat";
    Weekday7 => "周日", "Sun";
    BeijingTime => "北京时间", "Beijing time";
    Metres => "米", "m";
    Kilometres => "公里", "km";
    ShowOnMap => "查看详情和路线", "Details and route";
    CircleLabel => "服务圈", "Service circle";
    CircleToggle => "我的15分钟服务圈", "My 15-minute circle";
    CoverageToggle => "覆盖分析：哪里缺服务", "Coverage: where are the gaps";
    CoverageKindLabel => "分析哪类服务点", "Which kind of place";
    CoverageOpenAt => "只计算此时营业的（北京时间）", "Count only places open at (Beijing time)";
    WorstLabel => "离服务最远的街道", "Worst-served streets";
    UnnamedStreet => "无名道路", "unnamed street";
    TapStreetHint => "点击地图上的街道，查看离它最近的服务点。", "Tap a street on the map to see its nearest place.";
    NoneReachable => "从这里无法到达此类服务点", "No place of this kind can be reached from here";
    BandBeyond => "超过15分钟或无法到达", "over 15 min or unreachable";
    LegendLabel => "图例", "Legend";
    SearchLabel => "搜索地点、街道或服务", "Search places, streets or services";
    SearchPlaceholder => "搜索：名称、街道、拼音，如 cgm", "Search: name, street or service";
    SearchHint => "输入时会列出建议：用上下方向键选择，按回车确认，按 Esc 关闭。", "Suggestions appear as you type: choose with the up and down arrow keys, confirm with Enter, close with Esc.";
    SearchSuggestions => "搜索建议", "Suggestions";
    SearchNothing => "没有找到匹配的地点或街道", "No place or street matches";
    SearchStreet => "街道 · 设为起点", "Street · set as the start";
    SearchMatchedAddress => "地址相符", "address matches";
    PushedDashed => "地图上以虚线表示", "dotted on the map";
    OriginHost => "起点：网页指定的位置", "Start: the point given by this page";
    OriginHostShort => "起点：网页指定", "Start: set by the page";
    NavigateWith => "用地图应用导航", "Directions in a map app";
    OpenInBaidu => "百度地图", "Baidu Maps";
    OpenInTencent => "腾讯地图", "Tencent Maps";
    OpenInApple => "苹果地图", "Apple Maps";
    AboutData => "关于数据", "About this data";
    DataUpdated => "数据更新于", "Data updated";
    DataSource => "来源：", "Source: ";
    DataOwnSite => "（本站）", " (this site)";
    DataOtherSite => "（其他网站，本站部署者允许）", " (another site, allowed by this deployment)";
    DataFile => "数据文件：", "Data file: ";
    MapData => "地图数据：", "Map data: ";
    DataFrom => "数据来自", "Data from";
    LoadRefused => "不能显示这份数据", "This data cannot be shown";
    RefusedOrigin => "这个链接要加载其他网站的数据：", "This link asks for data from another site: ";
    RefusedWhy => "本站只显示自己的数据和部署者允许的来源，以免有人借用本站的地址发布不实的服务信息。请使用服务机构提供的正式链接。", "This site only shows its own data and sources its deployment allows, so nobody can publish false service details under its address. Please use the official link from the service provider.";
    RefusedScheme => "链接中的数据地址无效：数据只能通过 http(s) 加载。", "The data address in the link is not valid: data is loaded over http(s) only.";
    UpdateData => "有更新的数据：下次打开时自动使用。", "Newer data is available: it is used the next time you open this page.";
    UpdateApp => "邻里有新版本：下次打开时自动使用。", "A new version of Linli is ready: it is used the next time you open this page.";
    UpdateNow => "立即更新", "Update now";
}

/// The live count of the search suggestions: "5 条建议" / "5 suggestions".
pub fn search_count(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (_, 0) => T::SearchNothing.text(lang).to_string(),
        (Lang::Zh, n) => format!("{n} 条建议"),
        (Lang::En, 1) => "1 suggestion".to_string(),
        (Lang::En, n) => format!("{n} suggestions"),
    }
}

/// "起点：三条巷" / "Start: 三条巷", for a street chosen in the search box.
pub fn origin_named(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("起点：{name}"),
        Lang::En => format!("Start: {name}"),
    }
}

/// How many places the list has (for screen readers, when it shows only some at a time).
pub fn results_count(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Zh, n) => format!("共 {n} 个服务点"),
        (Lang::En, 1) => "1 place".to_string(),
        (Lang::En, n) => format!("{n} places"),
    }
}

/// The e-bike's pushed metres (whole metres; 0 means none): "最后 30 米推行", "前 12 米和最后
/// 30 米推行" / "push the bike for the last 30 m". `None` when nothing is pushed.
pub fn push_note(first_m: i64, last_m: i64, lang: Lang) -> Option<String> {
    Some(match (lang, first_m > 0, last_m > 0) {
        (_, false, false) => return None,
        (Lang::Zh, true, false) => format!("前 {first_m} 米推行"),
        (Lang::Zh, false, true) => format!("最后 {last_m} 米推行"),
        (Lang::Zh, true, true) => format!("前 {first_m} 米和最后 {last_m} 米推行"),
        (Lang::En, true, false) => format!("push the bike for the first {first_m} m"),
        (Lang::En, false, true) => format!("push the bike for the last {last_m} m"),
        (Lang::En, true, true) => {
            format!("push the bike for the first {first_m} m and the last {last_m} m")
        }
    })
}

/// The whole-area coverage downloading the tiles: "正在下载全区街道：3/40" / "Downloading the
/// whole area: 3 of 40 parts".
pub fn whole_fetching(loaded: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("正在下载全区街道：{loaded}/{total}"),
        Lang::En => format!("Downloading the whole area: {loaded} of {total} parts"),
    }
}

/// The whole-area coverage computing: "正在计算全区覆盖：42%" / "Computing the whole area's
/// coverage: 42%".
pub fn whole_computing(percent: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("正在计算全区覆盖：{percent}%"),
        Lang::En => format!("Computing the whole area's coverage: {percent}%"),
    }
}

/// The weekday name, Monday = 1.
pub fn weekday(n: u32, lang: Lang) -> &'static str {
    let key = match n {
        1 => T::Weekday1,
        2 => T::Weekday2,
        3 => T::Weekday3,
        4 => T::Weekday4,
        5 => T::Weekday5,
        6 => T::Weekday6,
        _ => T::Weekday7,
    };
    key.text(lang)
}

/// The name of a travel mode.
pub fn mode_name(mode: Mode, lang: Lang) -> &'static str {
    match mode {
        Mode::Walk => T::ModeWalk,
        Mode::Ebike => T::ModeEbike,
        Mode::StepFree => T::ModeStepFree,
    }
    .text(lang)
}

/// The name of a kind of place.
pub fn kind_name(kind: Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Centre => T::KindCentre,
        Kind::RestStop => T::KindRestStop,
        Kind::Canteen => T::KindCanteen,
    }
    .text(lang)
}

/// The label of a service code.
pub fn amenity_name(a: Amenity, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => a.label_zh(),
        Lang::En => a.label_en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_text_exists_in_both_languages() {
        for t in T::ALL {
            let (zh, en) = (t.text(Lang::Zh), t.text(Lang::En));
            assert!(!zh.is_empty() && !en.is_empty(), "{t:?}");
            // The language switch shows the *other* language's name.
            if !matches!(t, T::LanguageSwitch | T::LanguageSwitchShort) {
                assert!(!has_cjk(en), "{t:?} English text has Chinese: {en}");
            }
        }
        for a in Amenity::ALL {
            assert!(has_cjk(amenity_name(*a, Lang::Zh)) && !has_cjk(amenity_name(*a, Lang::En)));
        }
    }

    #[test]
    fn pushed_metres_in_words() {
        assert_eq!(push_note(0, 0, Lang::Zh), None);
        assert_eq!(
            push_note(0, 30, Lang::Zh).as_deref(),
            Some("最后 30 米推行")
        );
        assert_eq!(push_note(12, 0, Lang::Zh).as_deref(), Some("前 12 米推行"));
        assert_eq!(
            push_note(12, 30, Lang::En).as_deref(),
            Some("push the bike for the first 12 m and the last 30 m")
        );
        assert_eq!(search_count(0, Lang::En), "No place or street matches");
        assert_eq!(search_count(1, Lang::En), "1 suggestion");
        assert_eq!(search_count(5, Lang::Zh), "5 条建议");
    }

    #[test]
    fn lang_param() {
        assert_eq!(Lang::from_param(Some("en")), Lang::En);
        assert_eq!(Lang::from_param(Some("EN-gb")), Lang::En);
        assert_eq!(Lang::from_param(Some("zh")), Lang::Zh);
        assert_eq!(Lang::from_param(None), Lang::Zh);
    }
}
