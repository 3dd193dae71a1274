/// What a person reads for one wire value: the Chinese term a service point
/// uses, and an English display name.
public struct BilingualName: Hashable, Sendable {
    public let chinese: String
    public let english: String

    public init(_ chinese: String, _ english: String) {
        self.chinese = chinese
        self.english = english
    }
}

/// The one place that names the registry's coded values for people.
///
/// The protocol, the database and the audit trail keep the English wire
/// spelling (`temporarilyLost`, `producing`, `reportTemporaryLoss`); the
/// registry, sscardctl and the kiosk all show these names instead, so a term
/// is chosen once. It lives in the lowest layer because the clients
/// (SSCardControl, SSCardKiosk) must not depend on Registry.
///
/// The Chinese terms are the ones the service guides use where they name the
/// thing (启用, 临时挂失, 正式挂失, 解挂, 封存, 注销, 应用锁定, 受理, 审核, 制单,
/// 补换领, 信息变更, 户口簿, 居住证, 即时办结).
///
/// A value missing here is shown as it is: a newer sscardd may send a value
/// an older client does not know, and a raw code beats a crash or a blank.
public enum ServiceVocabulary: String, CaseIterable, Sendable {
    /// `CardState`: where a card stands.
    case cardState
    /// `ApplicationStage`: an application's production progress.
    case applicationStage
    /// An application's kind on the wire: a first card or a replacement.
    case applicationKind
    /// The audit trail's and the monitor's `action`: every `AuditAction` (the
    /// card operations, the registry's own actions, refused calls).
    case action
    /// `ReportLoss`'s kind.
    case lossKind
    /// An audit entry's outcome.
    case outcome
    /// The evidence document shown at the counter (`Evidence.Document`).
    case document
    /// Why a card is replaced (`ReplacementReason`).
    case replacementReason
    /// Why a card is cancelled (`CancellationReason`).
    case cancellationReason
    /// The card's financial function as the bank acknowledged it (`BankFunction`).
    case bankFunction
    /// What the bank acknowledged, as an operator records it (`BankEvent`).
    case bankEvent
    /// How a loss report's bank reminder reached the holder (`BankReminder`).
    case bankReminder
    /// Whether an application's fee was paid or waived (`FeeSettlement`).
    case feeSettlement

    /// Every wire value this vocabulary knows, with its names.
    public var names: [String: BilingualName] {
        switch self {
        case .cardState: return Self.cardStates
        case .applicationStage: return Self.applicationStages
        case .applicationKind: return Self.applicationKinds
        case .action: return Self.actions
        case .lossKind: return Self.lossKinds
        case .outcome: return Self.outcomes
        case .document: return Self.documents
        case .replacementReason: return Self.replacementReasons
        case .cancellationReason: return Self.cancellationReasons
        case .bankFunction: return Self.bankFunctions
        case .bankEvent: return Self.bankEvents
        case .bankReminder: return Self.bankReminders
        case .feeSettlement: return Self.feeSettlements
        }
    }

    /// The names of `wire`; an unknown value names itself in both languages.
    public func name(_ wire: String) -> BilingualName {
        names[wire] ?? BilingualName(wire, wire)
    }

    public func chinese(_ wire: String) -> String { name(wire).chinese }

    public func english(_ wire: String) -> String { name(wire).english }

    // The tables. A dictionary literal with a repeated key traps at first
    // use, so a wire value cannot be named twice within one vocabulary.

    /// "未启用" and "正常" are what holders see on the kiosk for issued and active.
    static let cardStates: [String: BilingualName] = [
        "issued": BilingualName("未启用", "Not yet activated"),
        "active": BilingualName("正常", "Active"),
        "locked": BilingualName("应用锁定", "Locked"),
        "temporarilyLost": BilingualName("临时挂失", "Temporarily lost"),
        "formallyLost": BilingualName("正式挂失", "Formally lost"),
        "sealed": BilingualName("封存", "Sealed"),
        "cancelled": BilingualName("注销", "Cancelled"),
    ]

    /// 受理 → 审核 → 制单 → (银行)制卡, as the guides list the steps.
    static let applicationStages: [String: BilingualName] = [
        "accepted": BilingualName("受理", "Accepted"),
        "reviewed": BilingualName("审核", "Reviewed"),
        "ordered": BilingualName("制单", "Production ordered"),
        "producing": BilingualName("制卡中", "In production"),
        "produced": BilingualName("制卡完成", "Produced"),
        "delivered": BilingualName("已领取", "Delivered"),
        "rejected": BilingualName("不予受理", "Rejected"),
    ]

    static let applicationKinds: [String: BilingualName] = [
        "first": BilingualName("申领", "First card"),
        "replacement": BilingualName("补换领", "Replacement"),
    ]

    static let actions: [String: BilingualName] = [
        // Card operations (CardOperation's raw values).
        "activate": BilingualName("启用", "Activation"),
        "reportTemporaryLoss": BilingualName("临时挂失", "Temporary loss report"),
        "reportFormalLoss": BilingualName("正式挂失", "Formal loss report"),
        "releaseLoss": BilingualName("解挂", "Loss release"),
        "autoRelease": BilingualName("自动解挂", "Automatic loss release"),
        "lock": BilingualName("应用锁定", "Application lock"),
        "unlock": BilingualName("应用解锁", "Application unlock"),
        "resetPassword": BilingualName("密码重置", "Password reset"),
        "changePassword": BilingualName("密码修改", "Password change"),
        "seal": BilingualName("封存", "Seal"),
        "unseal": BilingualName("解封", "Unseal"),
        "cancel": BilingualName("注销", "Cancellation"),
        "supersede": BilingualName("补换卡注销", "Cancelled by replacement"),
        // The registry's own actions.
        "apply": BilingualName("申领", "Application"),
        "replace": BilingualName("补换领", "Replacement application"),
        "advance": BilingualName("制卡进度变更", "Production stage change"),
        "produceInstantly": BilingualName("即时制卡", "Instant production"),
        "importBatch": BilingualName("制卡批次导入", "Production batch import"),
        "produceInBatch": BilingualName("批量制卡完成", "Produced in a batch"),
        "bind": BilingualName("卡片绑定", "Card binding"),
        "updateHolder": BilingualName("信息变更", "Information change"),
        "recordBankEvent": BilingualName("金融功能状态登记", "Bank function recorded"),
        "exportAudit": BilingualName("审计导出", "Audit export"),
        // Calls that change nothing, recorded when refused.
        "reportLoss": BilingualName("挂失", "Loss report"),
        "getStatus": BilingualName("状态查询", "Status query"),
        "history": BilingualName("记录查询", "History query"),
        "pendingReleases": BilingualName("待解挂查询", "Pending releases query"),
        "monitor": BilingualName("变更订阅", "Change monitor"),
        "verifyAudit": BilingualName("审计核验", "Audit verification"),
        "backup": BilingualName("备份", "Backup"),
        "report": BilingualName("业务报表", "Report"),
        "listReaders": BilingualName("读卡器列表", "Reader list"),
        "readCard": BilingualName("读卡", "Card read"),
        "verifyPin": BilingualName("密码校验", "PIN verification"),
        "changePin": BilingualName("读卡器改密", "PIN change at a reader"),
        "monitorReaders": BilingualName("读卡器监视", "Reader monitor"),
        "psamStatus": BilingualName("PSAM 状态", "PSAM status"),
        // What the daemon records of refusals.
        "refusedCalls": BilingualName("拒绝访问汇总", "Refused calls (count)"),
        "unknownMethod": BilingualName("未知操作", "Unknown method"),
    ]

    static let lossKinds: [String: BilingualName] = [
        "temporary": BilingualName("临时挂失", "Temporary loss"),
        "formal": BilingualName("正式挂失", "Formal loss"),
    ]

    /// 办结 as in the guides' 即时办结; a refused attempt is recorded too.
    static let outcomes: [String: BilingualName] = [
        "done": BilingualName("办结", "Done"),
        "refused": BilingualName("不予办理", "Refused"),
        // Allowed by the registry, then not completed by the chip.
        "failed": BilingualName("卡片未完成", "Failed on the card"),
        "authorised": BilingualName("已准予办理", "Authorised"),
    ]

    static let documents: [String: BilingualName] = [
        "idCard": BilingualName("居民身份证", "Identity card"),
        "householdRegister": BilingualName("户口簿", "Household register"),
        "socialSecurityCard": BilingualName("社会保障卡", "Social security card"),
        "passport": BilingualName("护照", "Passport"),
        "residencePermit": BilingualName("居住证", "Residence permit"),
        "civilRegistryProof": BilingualName("户籍变更证明", "Civil registry proof"),
        "none": BilingualName("无", "None"),
    ]

    /// 补领 for a lost card, 换领 for the rest; the seeds' reasons (000 item 39,
    /// 004 items 83-84) plus 消磁 and 其他.
    static let replacementReasons: [String: BilingualName] = [
        "lost": BilingualName("卡片遗失", "Lost"),
        "damaged": BilingualName("卡片损坏", "Damaged"),
        "unreadable": BilingualName("芯片无法读取", "Chip unreadable"),
        "demagnetised": BilingualName("消磁", "Demagnetised"),
        "faceUnreadable": BilingualName("卡面信息无法辨认", "Face unreadable"),
        "keyInformationChanged": BilingualName("关键信息变更", "Key information changed"),
        "bankChanged": BilingualName("合作银行变更", "Bank changed"),
        "childReachedSeven": BilingualName("儿童年满七周岁", "Child reached seven"),
        "appearanceChanged": BilingualName("相貌变化较大", "Appearance changed"),
        "voluntary": BilingualName("本人自愿换领", "Voluntary"),
        "generationUpgrade": BilingualName("换代", "Generation upgrade"),
        "other": BilingualName("其他", "Other"),
    ]

    static let cancellationReasons: [String: BilingualName] = [
        "holderRequest": BilingualName("本人申请", "Holder's request"),
        "death": BilingualName("死亡", "Death"),
        "emigration": BilingualName("出国（境）定居", "Emigration"),
        "other": BilingualName("其他", "Other"),
    ]

    static let bankFunctions: [String: BilingualName] = [
        "notOpened": BilingualName("金融功能未开通", "Not opened"),
        "opened": BilingualName("金融功能已开通", "Opened"),
        "reportedLost": BilingualName("已向银行挂失", "Reported lost to the bank"),
        "closed": BilingualName("金融账户已销户", "Closed"),
    ]

    static let bankEvents: [String: BilingualName] = [
        "opened": BilingualName("银行开通金融功能", "Opened at the bank"),
        "lossAcknowledged": BilingualName("银行确认挂失", "Loss acknowledged by the bank"),
        "lossReleased": BilingualName("银行解除挂失", "Loss released at the bank"),
        "closed": BilingualName("银行销户", "Closed at the bank"),
    ]

    static let bankReminders: [String: BilingualName] = [
        "toldByOperator": BilingualName("窗口已告知", "Told by the operator"),
        "shownOnKiosk": BilingualName("自助机已提示", "Shown on the kiosk"),
        "returnedToCaller": BilingualName("已随结果返回", "Returned to the caller"),
        "notNeeded": BilingualName("无需提示", "Not needed"),
    ]

    static let feeSettlements: [String: BilingualName] = [
        "free": BilingualName("免费", "Free"),
        "paid": BilingualName("已缴费", "Paid"),
        "waived": BilingualName("减免", "Waived"),
    ]
}
