import Foundation
import TestSupport
import XCTest

/// Region codes at intake (docs/regions.md): checked against the region directory down to the
/// county and township, retired codes accepted with a warning and mapped, and the public,
/// cacheable directory endpoint the /declare picker reads.
final class RegionIntakeTests: XCTestCase {
    func testRegionCodesAgainstTheDirectoryAndTheRegionsEndpoint() async throws {
        let intake = try await IntakeUnderTest(name: "regions")
        func declared(_ id: String, region: String, person: Int) -> [String: Any] {
            Samples.submission(id: id, person: person, region: region, channel: "self_declared")
        }
        let token = IntakeUnderTest.declareToken

        // A county that does not exist: rejected, naming the field and the nearest valid parent.
        let noCounty = try await intake.post(declared("r-1", region: "140199001", person: 1), token: token)
        XCTAssertEqual(noCounty.status, 422, String(decoding: noCounty.body, as: UTF8.self))
        let error = try XCTUnwrap((noCounty.json["errors"] as? [[String: Any]])?.first)
        XCTAssertEqual(error["field"] as? String, "regionCode")
        XCTAssertEqual(error["code"] as? String, "unknown_region")
        XCTAssertEqual(error["message"] as? String, "区划代码中的县级区划在区划目录中不存在；最近的有效上级区划：1401 山西省太原市")
        XCTAssertEqual(error["messageEn"] as? String,
                       "No such county-level division in the region directory; nearest valid parent: 1401 (zh: 山西省太原市)")
        // A township that does not exist in a county whose townships the directory lists.
        let noTownship = try await intake.post(declared("r-2", region: "140105999", person: 2), token: token)
        XCTAssertEqual(noTownship.status, 422)
        XCTAssertTrue(String(decoding: noTownship.body, as: UTF8.self).contains("140105 太原市小店区"))

        // 沙县 (350427) became 沙县区 (350405) in 2021: accepted with a warning, under the new code.
        let retired = try await intake.post(declared("r-3", region: "350427100", person: 3), token: token)
        XCTAssertEqual(retired.status, 202, String(decoding: retired.body, as: UTF8.self))
        let warning = try XCTUnwrap((retired.json["warnings"] as? [[String: Any]])?.first)
        XCTAssertEqual(warning["field"] as? String, "regionCode")
        XCTAssertEqual(warning["code"] as? String, "retired_region")
        XCTAssertTrue((warning["message"] as? String ?? "").contains("350405 三明市沙县区"), "\(warning)")
        let status = try await intake.request("GET", "/v1/submissions/r-3", token: token)
        XCTAssertEqual(status.json["regionCode"] as? String, "350405100")
        XCTAssertNotNil(status.json["warnings"])

        // The directory over HTTP: no token, cacheable, 304 on the same snapshot.
        let provinces = try await intake.request("GET", "/v1/regions", token: nil)
        XCTAssertEqual(provinces.status, 200)
        XCTAssertEqual((provinces.json["children"] as? [[String: Any]])?.count, 34)
        XCTAssertEqual(provinces.headers["cache-control"], "public, max-age=86400")
        let etag = try XCTUnwrap(provinces.headers["etag"])
        let again = try await intake.request("GET", "/v1/regions?parent=1401", token: nil, headers: ["If-None-Match": etag])
        XCTAssertEqual(again.status, 304)
        let taiyuan = try await intake.request("GET", "/v1/regions?parent=1401", token: nil)
        let counties = taiyuan.json["children"] as? [[String: Any]] ?? []
        XCTAssertTrue(counties.contains { $0["code"] as? String == "140105" && $0["name"] as? String == "小店区" && $0["leaf"] as? Bool == false })
        let lookup = try await intake.request("GET", "/v1/regions/140105001", token: nil)
        XCTAssertEqual(lookup.json["label"] as? String, "140105001 太原市小店区坞城街道")
        XCTAssertEqual(lookup.json["status"] as? String, "current")
        let unknown = try await intake.request("GET", "/v1/regions/140199001", token: nil)
        XCTAssertEqual(unknown.json["status"] as? String, "unknown")
        let noProvince = try await intake.request("GET", "/v1/regions/990000", token: nil)
        XCTAssertEqual(noProvince.status, 404)
        let noParent = try await intake.request("GET", "/v1/regions?parent=9999", token: nil)
        XCTAssertEqual(noParent.status, 404)
    }
}
