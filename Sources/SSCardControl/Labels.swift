import Foundation
import SSCardInterfaces
import SSCardValues
import Varlink

/// Field labels in Chinese when LANG is zh_CN.*, English otherwise; with
/// Chinese labels, coded values (states, stages, actions, ...) by their Chinese
/// names too, so an operator never reads `temporarilyLost` in a Chinese table.
/// English tables keep the wire spelling: it is what an administrator types
/// on the command line (`advance 7 produced`, `--document idCard`) and reads
/// in the docs and logs. `--json` never goes through here.
struct Labels {
    let chinese: Bool

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        // POSIX precedence, where an empty variable counts as unset.
        let lang = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        chinese = lang.hasPrefix("zh_CN") || lang.hasPrefix("zh_Hans")
    }

    /// Keyed by the wire key, so a label cannot name a field the interfaces lack.
    static let table: [WireKey: (en: String, zh: String)] = [
        .cardNumber: ("Card number", "卡号"), .ssn: ("Social security number", "社会保障号码"),
        .name: ("Name", "姓名"), .cardId: ("Card identification code", "卡识别码"),
        .state: ("State", "卡状态"), .previousState: ("Previous state", "挂失前状态"),
        .lossExpiresAt: ("Temporary loss ends", "临时挂失到期"),
        .electronicCredentialContinues: ("Electronic credential continues", "电子凭证继续使用"),
        .replacedBy: ("Replaced by", "补换新卡"), .region: ("Issuing region", "发卡地区"),
        .specVersion: ("Spec version", "规范版本"), .issueDate: ("Issue date", "发卡日期"),
        .expiryDate: ("Expiry date", "有效期"), .birthDate: ("Birth date", "出生日期"),
        .sex: ("Sex", "性别"), .ethnicity: ("Ethnicity", "民族"), .birthplace: ("Birthplace", "出生地"),
        .atr: ("ATR", "复位信息"), .reader: ("Reader", "读卡器"), .basicInfo: ("Basic info", "基本信息"),
        .applicationId: ("Application", "申领编号"), .stage: ("Stage", "制卡进度"), .kind: ("Kind", "类型"),
        .feeFen: ("Fee (fen)", "费用(分)"), .phone: ("Phone", "电话"), .address: ("Address", "地址"),
        .guardianSsn: ("Guardian", "监护人"), .sequence: ("#", "序号"), .at: ("Time", "时间"),
        .actor: ("Actor", "经办人"), .action: ("Action", "业务"), .outcome: ("Outcome", "结果"),
        .oldState: ("From", "原状态"), .newState: ("To", "新状态"), .reason: ("Reason", "原因"),
        .intact: ("Intact", "完整"), .entriesChecked: ("Entries checked", "已校验条目"),
        .firstBrokenSequence: ("First broken entry", "首个异常条目"), .problem: ("Problem", "问题"),
        .interface: ("Interface", "接口"), .cardPresent: ("Card present", "有卡"),
        .securePinEntry: ("PIN pad", "密码键盘"), .result: ("Result", "结果"), .triesLeft: ("Tries left", "剩余次数"),
        .event: ("Event", "事件"), .reminder: ("Reminder", "提示"), .replaces: ("Replaces", "原卡"),
        .replacementReason: ("Replacement reason", "补换原因"), .rejectionReason: ("Rejection reason", "不予受理原因"),
        .createdAt: ("Created", "创建时间"), .updatedAt: ("Updated", "更新时间"), .path: ("Path", "路径"),
        .bankFunction: ("Bank function", "金融功能"), .generation: ("Generation", "卡代次"),
        .chipBlocked: ("Chip blocked", "芯片应用锁定"),
        .feeSettlement: ("Fee", "缴费情况"), .newName: ("New name", "新姓名"),
        .channel: ("Channel", "渠道"), .expectedDate: ("Expected", "预计制卡完成"), .delivery: ("Delivery", "领取方式"),
        .servicePoint: ("Service point", "服务网点"), .count: ("Count", "笔数"), .age: ("Waiting", "等待时长"),
        .settlement: ("Fee", "缴费情况"), .totalFen: ("Total (fen)", "金额(分)"), .day: ("Day", "日期"),
        .start: ("From", "时段"), .operations: ("Operations", "业务量"), .losses: ("Loss reports", "挂失"),
        .releases: ("Releases", "解挂"), .exported: ("Exported", "已导出"), .masked: ("Masked", "已脱敏"),
    ]

    /// The vocabularies a field's values come from. oldState and newState
    /// carry a card state or, for applications, a stage (the two never share
    /// a wire value); an application's kind or a loss's kind likewise.
    static let vocabularies: [WireKey: [ServiceVocabulary]] = [
        .state: [.cardState], .previousState: [.cardState],
        .oldState: [.cardState, .applicationStage], .newState: [.cardState, .applicationStage],
        .stage: [.applicationStage], .kind: [.applicationKind, .lossKind], .action: [.action],
        .outcome: [.outcome], .document: [.document], .replacementReason: [.replacementReason],
        .bankFunction: [.bankFunction], .feeSettlement: [.feeSettlement], .settlement: [.feeSettlement],
    ]

    /// A field's value as this table shows it: a coded value by its Chinese
    /// name when the labels are Chinese, anything else (and any value no
    /// vocabulary knows) as TextTable writes it.
    func value(_ key: String, _ value: JSONValue) -> String {
        if chinese, case let .string(wire) = value,
           let name = WireKey(rawValue: key).flatMap({ Self.vocabularies[$0] })?.lazy.compactMap({ $0.names[wire] }).first {
            return name.chinese
        }
        if chinese, case let .bool(flag) = value { return flag ? "是" : "否" }
        return TextTable.text(value)
    }

    /// A Monitor gap event: changes made at other service points may not have been shown.
    func monitorGap(reason: String) -> String {
        chinese
            ? "!! 其他服务点的部分变更未能显示，请重新查询所关注的卡：\(reason)"
            : "!! some changes made at other service points could not be shown; re-read the cards you follow: \(reason)"
    }

    /// What to do about RegistryUnavailable (exit code 6).
    var registryUnavailableHint: String {
        chinese
            ? "社保卡登记库暂不可用：本次业务未办理（除非原因中说明结果未知）。sscardd 会自动重连，请稍后重试。"
            : "The card registry is unavailable: nothing was changed (unless the reason says the outcome is "
                + "unknown). sscardd reconnects by itself; try again shortly."
    }

    func callAsFunction(_ key: String) -> String {
        guard let label = WireKey(rawValue: key).flatMap({ Self.table[$0] }) else { return key }
        return chinese ? label.zh : label.en
    }
}
