import Foundation
import TestSupport
import XCTest

/// The self-declaration page in a real (headless) Chromium: it posts to the API with its token,
/// shows the submission id on success and each field error beside its field on failure.
final class DeclarePageTests: XCTestCase {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func testDeclarationArrivesAndErrorsShowBesideFields() async throws {
        guard let chromium = Self.chromium else {
            throw XCTSkip("chromium not found (apt-get install chromium): the /declare browser test cannot run")
        }
        let intake = try await IntakeUnderTest(name: "declare")
        let id = Samples.idNumber(500)
        let good: [String: Any] = ["regionCode": "110101001", "area": "urban", "applicant.name": "王五", "applicant.idNumber": id,
                                   "applicant.phone": "13900139000", "members[0].health": "serious_illness",
                                   "income.wagesFen": "1200.50", "requestsAssistance": true, "verificationAuthorized": true,
                                   "declarationSigned": true, "members[1].relation": "child", "members[1].name": "王小五",
                                   "members[1].idNumber": Samples.idNumber(501), "members[1].occupation": "student"]
        let dom = try await render(chromium, intake, autofill: good, screenshot: nil)
        let submissionId = try XCTUnwrap(firstMatch(#"id="submissionId">([^<]+)<"#, in: dom), "no submission id shown:\n\(dom.suffix(3000))")
        // Submission ids belong to whoever submitted: the page's declarant token.
        let status = try await intake.request("GET", "/v1/submissions/\(submissionId)", token: IntakeUnderTest.declareToken)
        XCTAssertEqual(status.json["status"] as? String, "accepted", String(decoding: status.body, as: UTF8.self))
        XCTAssertEqual(status.json["channel"] as? String, "self_declared")

        var bad = good
        bad["applicant.idNumber"] = "11010119800101123"
        bad["declarationSigned"] = false
        bad["regionCode"] = "99"
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/declare-errors.png").path
        let errorDom = try await render(chromium, intake, autofill: bad, screenshot: docs)
        XCTAssertTrue(errorDom.contains("id=\"rejected\""), errorDom.suffix(3000).description)
        for field in ["applicant.idNumber", "declarationSigned", "regionCode"] {
            let pattern = #"data-field="\#(NSRegularExpression.escapedPattern(for: field))"[^>]*class="[^"]*invalid|class="[^"]*invalid[^"]*" data-field="\#(NSRegularExpression.escapedPattern(for: field))""#
            XCTAssertNotNil(firstMatch(pattern, in: errorDom), "no error shown beside \(field)")
        }
        XCTAssertTrue(errorDom.contains("class=\"err field\""), "Chinese messages beside the fields")
    }

    /// Loads /declare?autofill=… and returns the DOM after the page's scripts (and its fetch) ran.
    private func render(_ chromium: String, _ intake: IntakeUnderTest, autofill: [String: Any], screenshot: String?) async throws -> String {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: autofill), as: UTF8.self)
        var query = URLComponents(string: "\(intake.base.absoluteString)/declare")!
        query.queryItems = [URLQueryItem(name: "autofill", value: json)]
        let profile = temporaryDirectory("chromium-profile")
        var args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
                    "--virtual-time-budget=15000", "--window-size=420,1400"]
        if let screenshot { args += ["--screenshot=\(screenshot)"] } else { args += ["--dump-dom"] }
        let dom = try runChromium(chromium, args + [query.url!.absoluteString])
        if screenshot != nil { return try runChromium(chromium, args.filter { !$0.hasPrefix("--screenshot") } + ["--dump-dom", query.url!.absoluteString]) }
        return dom
    }

    private func runChromium(_ chromium: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let re = try? NSRegularExpression(pattern: pattern),
          let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
    let r = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
    return Range(r, in: text).map { String(text[$0]) }
}
