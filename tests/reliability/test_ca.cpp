#include "reliability/test_ca.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "reliability/pg_server.hpp"

namespace reliability {
namespace {

void make_ca(const std::string& prefix, const std::string& name) {
  must_run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", prefix + ".key", "-out", prefix + ".crt", "-days", "2", "-subj", "/CN=" + name});
}

}  // namespace

TestCa::TestCa() {
  std::string tmpl = "/tmp/meter-sync-ca.XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir = tmpl;
  must_run({"chmod", "0755", dir});
  make_ca(dir + "/ca", "meter-sync test CA");
  make_ca(dir + "/other-ca", "some other CA");
  ca_cert = dir + "/ca.crt";
  other_ca_cert = dir + "/other-ca.crt";
  server_key = dir + "/server.key";
  server_cert = dir + "/server.crt";
  must_run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            server_key, "-out", dir + "/server.csr", "-subj", "/CN=" + std::string(host_name)});
  std::ofstream(dir + "/san.ext") << "subjectAltName = DNS:" << host_name << "\n";
  must_run({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", ca_cert, "-CAkey", dir + "/ca.key",
            "-CAcreateserial", "-out", server_cert, "-days", "2", "-extfile", dir + "/san.ext"});
  must_run({"chmod", "0600", server_key});
  PgServer::chown_to_cluster_user(server_key);
}

TestCa::~TestCa() {
  if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
}

std::string TestCa::conf() const {
  return "ssl = on\nssl_cert_file = '" + server_cert + "'\nssl_key_file = '" + server_key + "'";
}

}  // namespace reliability
