import Foundation
import SwiftASN1

/// Reading PEM text from files and splitting it into blocks, with errors a user can act on.
enum PEMInput {
    static func readFile(_ path: String, what: String) throws(CertificateLoadingError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertificateLoadingError.fileNotReadable(path, what: what)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CertificateLoadingError(
                .notPEM,
                "\(what) file '\(path)' is not text: expected PEM ('-----BEGIN ...-----'); convert DER with "
                    + "'openssl x509 -inform der' or 'openssl pkey -inform der'"
            )
        }
        return text
    }

    /// All PEM blocks in `text`, in order. Text outside blocks (comments, `openssl` explanations) is ignored.
    static func documents(in text: String, what: String) throws(CertificateLoadingError) -> [PEMDocument] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw CertificateLoadingError(
                .notPEM,
                "\(what) is not valid PEM (\(error)): expected '-----BEGIN ...-----' blocks with base64 content"
            )
        }
        guard !documents.isEmpty else {
            throw CertificateLoadingError(.notPEM, "\(what) contains no PEM block ('-----BEGIN ...-----')")
        }
        return documents
    }
}
