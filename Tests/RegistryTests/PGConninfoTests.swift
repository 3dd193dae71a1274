import PostgreSQLStore
import Testing

/// A conninfo is shown only masked: every parameter libpq itself calls a
/// secret, not only `password`.
@Suite struct PGConninfoTests {
    @Test func everySecretParameterIsMasked() throws {
        let conninfo = try PGConninfo("host=db1 dbname=sscard user=sscardd password=hunter2 sslmode=verify-full "
            + "sslkey=/etc/sscard/client.key sslpassword=keyphrase9")
        #expect(!conninfo.masked.contains("hunter2"))
        #expect(!conninfo.masked.contains("keyphrase9"))
        #expect(conninfo.masked.contains("password=********"))
        #expect(conninfo.masked.contains("sslpassword=********"))
        #expect(conninfo.masked.contains("sslkey=/etc/sscard/client.key"), "file names are not secrets")
        #expect("\(conninfo)" == conninfo.masked)
        #expect(conninfo.hasSecret)
    }

    @Test func aURIsPasswordIsMaskedToo() throws {
        let conninfo = try PGConninfo("postgresql://sscardd:hunter2@db1/sscard?sslpassword=keyphrase9")
        #expect(!conninfo.masked.contains("hunter2") && !conninfo.masked.contains("keyphrase9"))
        #expect(conninfo.hasSecret)
    }

    @Test func aConninfoWithAPassfileCarriesNoSecret() throws {
        let conninfo = try PGConninfo("host=db1 dbname=sscard user=sscardd passfile=/run/credentials/sscardd.service/pgpass")
        #expect(!conninfo.hasSecret)
        #expect(conninfo.masked.contains("passfile=/run/credentials/sscardd.service/pgpass"))
    }
}
