#pragma once
// A throwaway certificate authority made with openssl, for TLS tests: a CA, a server
// certificate for one host name signed by it, and a second CA that signed nothing.
#include <string>

namespace reliability {

struct TestCa {
  static constexpr const char* host_name = "db.meter-sync.test";  // the server certificate's name

  TestCa();  // makes everything in a new temp directory; throws with openssl's output on failure
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  std::string dir;
  std::string ca_cert, other_ca_cert;    // PEM files a client may trust
  std::string server_cert, server_key;   // for ssl_cert_file / ssl_key_file (key 0600, the cluster user's)

  // postgresql.conf lines turning TLS on with this certificate.
  std::string conf() const;
};

}  // namespace reliability
