import DoudiDomain
import Envelope
import Foundation
import Hummingbird

/// JSON answers of the intake API. Every error answer has the shape of a 422's,
/// `{"errors":[{field, code, message, messageEn}]}`, so a client reads one shape.
enum HTTPReplies {
    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T, extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if extraHeaders[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        headers.append(contentsOf: extraHeaders)
        let data = (try? JSONCoding.encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ zh: String, _ en: String,
                      extraHeaders: HTTPFields = [:]) -> Response {
        json(status, ErrorBody(errors: [FieldError(field: "", code: code, message: zh, messageEn: en)]), extraHeaders: extraHeaders)
    }

    static var unauthorized: Response {
        error(.unauthorized, "unauthorized", "缺少或无效的访问令牌", "missing or unknown bearer token",
              extraHeaders: [.wwwAuthenticate: "Bearer realm=\"doudi-intake\""])
    }

    static func forbidden(_ what: String) -> Response {
        let zh = ["region": "地区", "channel": "渠道", "role": "操作（角色不符）"][what] ?? what
        return error(.forbidden, "forbidden", "该令牌无权操作此\(zh)", "this token may not act for this \(what)")
    }

    static func tooLarge(limit: Int) -> Response {
        error(.contentTooLarge, "body_too_large", "提交内容超过 \(limit / 1024) KiB 上限",
              "the request body exceeds \(limit / 1024) KiB")
    }

    static func invalidJSON(_ reason: String) -> Response {
        error(.badRequest, "invalid_json", "提交内容不是 JSON 对象", "the body is not a JSON object: \(reason)")
    }

    static var notFound: Response { error(.notFound, "not_found", "未找到该申请", "no submission with this id") }
}

struct ErrorBody: Codable { var errors: [FieldError] }

/// The answer to a POST and a GET.
struct SubmissionStatusBody: Codable {
    var submissionId: String
    var status: SubmissionStatus
    var channel: String?
    var regionCode: String?
    var receivedAt: String?
    var decidedAt: String?
    var errors: [FieldError]?
    /// Remarks on an accepted submission, e.g. a retired region code mapped to its successor.
    var warnings: [FieldError]?

    init(_ r: SubmissionRecord, errors: [FieldError]? = nil, full: Bool) {
        submissionId = r.submissionId; status = r.status
        self.errors = errors ?? (r.errors.isEmpty ? nil : r.errors)
        warnings = r.warnings.isEmpty ? nil : r.warnings
        if full { channel = r.channel; regionCode = r.regionCode; receivedAt = r.receivedAt; decidedAt = r.decidedAt }
    }
}
