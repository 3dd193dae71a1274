import SSCardInterfaces
import SSCardValues
import Varlink

/// A refusal from sscardd said in Chinese, for an operator whose labels are
/// Chinese. The error's name and parameters still follow on the next line,
/// unchanged: they are what a log search or a support ticket quotes. The
/// `reason` texts come from the daemon in English and are quoted as they are.
extension Labels {
    /// The Chinese sentence for `error`, or nil with English labels or for an
    /// error with nothing more to say than its name and parameters.
    func explain(_ error: VarlinkError) -> String? {
        guard chinese else { return nil }
        let parameters = error.parameters.object ?? [:]
        func text(_ key: WireKey) -> String { parameters[key]?.string ?? "" }
        func reason() -> String {
            let reason = text(.reason)
            return reason.isEmpty ? "" : "（\(reason)）"
        }
        // By member name: PermissionDenied is both interfaces'.
        switch error.name.split(separator: ".").last.map(String.init) ?? "" {
        case RegistryErrorName.cardNotFound.rawValue:
            return "登记库中没有卡号为 \(text(.cardNumber)) 的社会保障卡。"
        case RegistryErrorName.holderNotFound.rawValue:
            return "登记库中没有社会保障号码为 \(text(.ssn)) 的持卡人。"
        case RegistryErrorName.applicationNotFound.rawValue:
            return "登记库中没有编号为 \(parameters[.applicationId].map(TextTable.text) ?? "") 的申领。"
        case RegistryErrorName.transitionRefused.rawValue:
            let state = ServiceVocabulary.cardState.chinese(text(.state))
            let operation = ServiceVocabulary.action.chinese(text(.operation))
            return "卡 \(text(.cardNumber)) 当前为「\(state)」，不能办理「\(operation)」\(reason())。"
        case RegistryErrorName.ruleViolated.rawValue:
            return "不符合业务规则，未办理\(reason())。"
        case RegistryErrorName.invalidValue.rawValue:
            return "参数 \(text(.parameter)) 的值不正确\(reason())。"
        case RegistryErrorName.permissionDenied.rawValue, ReaderErrorName.permissionDenied.rawValue:
            let role = parameters[.role]?.string.map { "（当前角色：\($0)）" } ?? ""
            return "无权办理 \(text(.method))\(role)。"
        case RegistryErrorName.storageFull.rawValue:
            return "登记库所在磁盘已满：本次业务未办理，释放空间后重试即可。"
        case ReaderErrorName.readerUnresponsive.rawValue:
            return "读卡器 \(text(.reader)) 上的卡片在规定时间内没有响应，本次业务未办理；请取出卡片重新插入后再试。"
        case ReaderErrorName.readerBusy.rawValue:
            return "读卡器 \(text(.reader)) 正忙，已有 \(parameters[.pending].map(TextTable.text) ?? "") 项读卡操作在等待；请稍后再试。"
        case ReaderErrorName.chipBlocked.rawValue:
            return "卡 \(text(.cardNumber)) 的芯片应用已锁定，无法读取持卡人信息；请在柜台读卡器上办理应用解锁（sscardctl unlock --card 卡号 --reader 读卡器）。"
        case ReaderErrorName.notForHolderCards.rawValue:
            return "读卡器 \(text(.reader)) 是安全模块（PSAM）卡座，不用于持卡人的卡\(reason())。"
        case RegistryErrorName.identityMismatch.rawValue:
            return "卡片芯片信息与登记信息不一致，未办理\(reason())。"
        default:
            return nil
        }
    }
}
