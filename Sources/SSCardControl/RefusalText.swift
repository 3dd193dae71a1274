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
        func text(_ key: String) -> String { parameters[key]?.string ?? "" }
        func reason() -> String {
            let reason = text("reason")
            return reason.isEmpty ? "" : "（\(reason)）"
        }
        switch error.name.split(separator: ".").last.map(String.init) ?? "" {
        case "CardNotFound":
            return "登记库中没有卡号为 \(text("cardNumber")) 的社会保障卡。"
        case "HolderNotFound":
            return "登记库中没有社会保障号码为 \(text("ssn")) 的持卡人。"
        case "ApplicationNotFound":
            return "登记库中没有编号为 \(parameters["applicationId"].map(TextTable.text) ?? "") 的申领。"
        case "TransitionRefused":
            let state = ServiceVocabulary.cardState.chinese(text("state"))
            let operation = ServiceVocabulary.action.chinese(text("operation"))
            return "卡 \(text("cardNumber")) 当前为「\(state)」，不能办理「\(operation)」\(reason())。"
        case "RuleViolated":
            return "不符合业务规则，未办理\(reason())。"
        case "InvalidValue":
            return "参数 \(text("parameter")) 的值不正确\(reason())。"
        case "PermissionDenied":
            let role = parameters[.role]?.string.map { "（当前角色：\($0)）" } ?? ""
            return "无权办理 \(text("method"))\(role)。"
        case "StorageFull":
            return "登记库所在磁盘已满：本次业务未办理，释放空间后重试即可。"
        case "IdentityMismatch":
            return "卡片芯片信息与登记信息不一致，未办理\(reason())。"
        default:
            return nil
        }
    }
}
