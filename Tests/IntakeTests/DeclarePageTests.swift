import Foundation
import TestSupport
import XCTest

/// The self-declaration page in a real (headless) Chromium at phone size, driven as a person
/// would: the region picker (province → city → county → township) fills in the code, the form
/// posts to the API with its token, shows the submission id on success and each field error
/// beside its field on failure, all under the page's Content-Security-Policy.
final class DeclarePageTests: XCTestCase {
    func testPickerFillsTheCodeAndTheDeclarationArrives() async throws {
        guard Chromium.executable != nil else {
            throw XCTSkip("chromium not found (apt-get install chromium): the /declare browser test cannot run")
        }
        let intake = try await IntakeUnderTest(name: "declare")
        let page = try await intake.request("GET", "/declare", token: nil)
        XCTAssertEqual(page.headers["content-security-policy"]?.hasPrefix("default-src 'self'"), true, "\(page.headers)")
        let html = String(decoding: page.body, as: UTF8.self)
        XCTAssertFalse(html.contains("<script>") || html.contains("<style>") || html.contains(" style=") || html.contains("autofill"),
                       "no inline script or style, no test hook")

        let browser = try Chromium(profile: temporaryDirectory("chromium-profile"))
        try browser.open("\(intake.base.absoluteString)/declare")
        let level = { (depth: Int) in "#regionPicker select[data-depth=\"\(depth)\"]" }
        // Beijing has no city level: its districts come straight after the province.
        try browser.select(level(0), value: "11")
        try browser.waitFor("document.querySelector('\(level(1))')?.getAttribute('aria-label') === '县（市、区、旗）'")
        // Changing the province drops the levels below it.
        try browser.select(level(0), value: "14")
        try browser.select(level(1), value: "1401")
        try browser.select(level(2), value: "140105")
        try browser.select(level(3), value: "140105001")
        try browser.waitFor("document.getElementById('regionName').textContent.includes('坞城街道')")
        XCTAssertEqual(try browser.evaluate("document.getElementById('regionCode').value") as? String, "140105001")
        XCTAssertEqual(try browser.evaluate("document.getElementById('regionName').textContent") as? String,
                       "山西省 / 太原市 / 小店区 / 坞城街道")

        try browser.select("select[name=area]", value: "urban")
        try browser.type("input[name='applicant.name']", "王五")
        try browser.type("input[name='applicant.idNumber']", Samples.idNumber(500, division: "140105"))
        try browser.type("input[name='applicant.phone']", "13900139000")
        try browser.select("select[name='members[0].health']", value: "serious_illness")
        try browser.type("input[name='income.wagesFen']", "1200.50")
        try browser.click("#addMember")
        try browser.select("select[name='members[1].relation']", value: "child")
        try browser.type("input[name='members[1].name']", "王小五")
        try browser.type("input[name='members[1].idNumber']", Samples.idNumber(501, division: "140105"))
        try browser.select("select[name='members[1].occupation']", value: "student")
        for box in ["requestsAssistance", "verificationAuthorized", "declarationSigned"] { try browser.click("input[name=\(box)]") }
        try browser.click("#submit")
        try browser.waitFor("document.getElementById('submissionId') || document.getElementById('rejected')")
        let shown = try browser.evaluate("document.body.innerText") as? String ?? ""
        let submissionId = try XCTUnwrap(try browser.evaluate("document.getElementById('submissionId')?.textContent") as? String,
                                         "rejected: \(shown)")
        let status = try await intake.request("GET", "/v1/submissions/\(submissionId)", token: IntakeUnderTest.declareToken)
        XCTAssertEqual(status.json["status"] as? String, "accepted", String(decoding: status.body, as: UTF8.self))
        XCTAssertEqual(status.json["channel"] as? String, "self_declared")
        XCTAssertEqual(status.json["regionCode"] as? String, "140105001")

        XCTAssertEqual(try browser.evaluate("window.__violations") as? [String], [], "Content-Security-Policy violations")
        XCTAssertEqual(browser.pageErrors, [], "errors in the page")
    }

    func testErrorsShowBesideTheirFields() async throws {
        guard Chromium.executable != nil else {
            throw XCTSkip("chromium not found (apt-get install chromium): the /declare browser test cannot run")
        }
        let intake = try await IntakeUnderTest(name: "declare-errors")
        let browser = try Chromium(profile: temporaryDirectory("chromium-profile"))
        try browser.open("\(intake.base.absoluteString)/declare")
        // A code typed by hand whose county does not exist (Taiyuan has no 140199), a mistyped
        // identity number and no signed declaration.
        try browser.waitFor("document.querySelector('#regionPicker select')")
        try browser.type("#regionCode", "140199001")
        try browser.waitFor("document.getElementById('regionName').textContent !== ''")
        try browser.select("select[name=area]", value: "rural")
        try browser.type("input[name='applicant.name']", "李四")
        try browser.type("input[name='applicant.idNumber']", "11010119800101123")
        try browser.click("#submit")
        try browser.waitFor("document.getElementById('rejected')")

        for field in ["applicant.idNumber", "declarationSigned", "regionCode"] {
            let shown = try browser.evaluate("document.querySelector('[data-field=\"\(field)\"]').classList.contains('invalid')") as? Bool
            XCTAssertEqual(shown, true, "no error shown beside \(field)")
        }
        let regionError = try browser.evaluate("document.querySelector('[data-field=\"regionCode\"] .err').textContent") as? String ?? ""
        XCTAssertTrue(regionError.contains("县级区划") && regionError.contains("1401 山西省太原市"),
                      "the error names the level and the nearest valid parent: \(regionError)")

        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/declare-errors.png").path
        try browser.screenshot(to: docs)
        XCTAssertEqual(try browser.evaluate("window.__violations") as? [String], [], "Content-Security-Policy violations")
    }
}
