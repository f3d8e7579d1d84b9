// NandConfig: defaults, shipped JSON files, round trip, and every kind of config error.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "nand/nand_array.hpp"
#include "nand/nand_config.hpp"
#include "nand_test_util.hpp"

namespace ifc::nand {
namespace {

using nlohmann::json;
using test::config_path;

/// Writes `text` to a unique temporary file and removes it on destruction.
class TempJson {
 public:
  explicit TempJson(const std::string& text) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    for (char& ch : name) ch = (std::isalnum(static_cast<unsigned char>(ch)) != 0) ? ch : '_';
    path_ = ::testing::TempDir() + "nand_cfg_" + name + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter_++) + ".json";
    std::ofstream(path_) << text;
  }
  ~TempJson() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

/// Loads `text` as a file and returns the ConfigError message ("" if it loaded).
std::string load_error(const std::string& text, std::string* path_out = nullptr) {
  TempJson f(text);
  if (path_out != nullptr) *path_out = f.path();
  try {
    (void)NandConfig::from_json_file(f.path());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(NandConfig, DefaultsAreTheDesignDefaultDie) {
  const NandConfig c;
  EXPECT_EQ(c.cell_type, CellType::TLC);
  EXPECT_EQ(c.dies, 1u);
  EXPECT_EQ(c.planes_per_die, 4u);
  EXPECT_EQ(c.blocks_per_plane, 504u);
  EXPECT_EQ(c.pages_per_block, 2304u);
  EXPECT_EQ(c.page_data_bytes, 16384u);
  EXPECT_EQ(c.page_spare_bytes, 1664u);
  EXPECT_EQ(c.page_bytes(), 18048u);
  EXPECT_EQ(c.t_read_ns, 30000u);
  EXPECT_EQ(c.t_prog_ns, 1900000u);
  EXPECT_EQ(c.t_erase_ns, 15000000u);
  EXPECT_EQ(c.endurance_pe_cycles, 3000u);
  EXPECT_TRUE(c.bad_blocks.empty());
  EXPECT_EQ(c.pages_total(), 4ull * 504 * 2304);
  EXPECT_NO_THROW(c.validate());
}

TEST(NandConfig, ShippedDefaultJsonEqualsBuiltInDefaults) {
  const NandConfig c = NandConfig::from_json_file(config_path("default.json"));
  EXPECT_TRUE(c == NandConfig{}) << c.to_json().dump(2);
}

TEST(NandConfig, ShippedSmallAndSlcJsonLoad) {
  const NandConfig s = NandConfig::from_json_file(config_path("small.json"));
  EXPECT_EQ(s.name, "small");
  EXPECT_EQ(s.planes_per_die, 2u);
  EXPECT_EQ(s.blocks_per_plane, 8u);
  EXPECT_EQ(s.pages_per_block, 16u);
  EXPECT_EQ(s.page_bytes(), 16384u + 1664u);
  EXPECT_EQ(s.t_read_ns, 2000u);
  EXPECT_NO_THROW(NandArray{s});

  const NandConfig d;
  const NandConfig slc = NandConfig::from_json_file(config_path("slc.json"));
  EXPECT_EQ(slc.cell_type, CellType::SLC);
  EXPECT_EQ(bits_per_cell(slc.cell_type), 1u);
  EXPECT_EQ(slc.endurance_pe_cycles, 50000u);
  EXPECT_LT(slc.t_read_ns, d.t_read_ns);
  EXPECT_LT(slc.errors.base_rber, d.errors.base_rber);
  // Lower RBER than TLC at every point of its life, including each one's end of life.
  NandArray tlc_array(d);
  NandArray slc_array(slc);
  EXPECT_LT(slc_array.rber(Address{}), tlc_array.rber(Address{}));
  EXPECT_NO_THROW(NandArray{slc});
}

TEST(NandConfig, ShippedFilesDocumentTheirSources) {
  for (const char* f : {"default.json", "small.json", "slc.json"}) {
    std::ifstream in(config_path(f));
    const json j = json::parse(in);
    int sources = 0;
    for (auto it = j.begin(); it != j.end(); ++it) sources += it.key().find("source") != std::string::npos;
    EXPECT_GE(sources, 2) << f;
    EXPECT_TRUE(j.at("errors").contains("_source")) << f;
  }
}

TEST(NandConfig, JsonRoundTrip) {
  NandConfig c;
  c.name = "round trip";
  c.cell_type = CellType::QLC;
  c.dies = 2;
  c.planes_per_die = 6;
  c.blocks_per_plane = 100;
  c.pages_per_block = 64;
  c.page_data_bytes = 4096;
  c.page_spare_bytes = 2208;
  c.t_read_ns = 90000;
  c.t_prog_ns = 123456789;
  c.t_erase_ns = 9999999999ULL;
  c.endurance_pe_cycles = 1000;
  c.bad_blocks = {{0, 1, 2}, {1, 5, 99}};
  c.errors.base_rber = 3.25e-4;
  c.errors.pe_coeff = 1.5e-7;
  c.errors.pe_exponent = 1.25;
  c.errors.retention_coeff = 0.1;
  c.errors.read_disturb_coeff = 2e-5;
  c.errors.retry_factor = 0.75;
  c.read_retry_steps = 15;
  c.seed = 0xFFFFFFFFFFFFFFFFULL;
  const NandConfig back = NandConfig::from_json(c.to_json());
  EXPECT_TRUE(back == c) << back.to_json().dump(2);
  // And through text.
  const NandConfig back2 = NandConfig::from_json(json::parse(c.to_json().dump()));
  EXPECT_TRUE(back2 == c);
  NandConfig other = c;
  other.errors.retry_factor = 0.5;
  EXPECT_TRUE(other != c);
}

TEST(NandConfig, MissingKeysFallBackToDefaultsAndCommentsAreIgnored) {
  const NandConfig c = NandConfig::from_json(json::parse(R"({
    "_comment": "anything", "_x_source": 5, "planes_per_die": 2,
    "errors": {"_source": "s", "base_rber": 1e-4}})"));
  NandConfig expected;
  expected.planes_per_die = 2;
  expected.errors.base_rber = 1e-4;
  EXPECT_TRUE(c == expected);
  EXPECT_TRUE(NandConfig::from_json(json::object()) == NandConfig{});
}

TEST(NandConfig, IntegralFloatsAreAccepted) {
  const NandConfig c = NandConfig::from_json(json::parse(R"({"t_read_ns": 3e4, "dies": 2.0})"));
  EXPECT_EQ(c.t_read_ns, 30000u);
  EXPECT_EQ(c.dies, 2u);
}

TEST(NandConfigErrors, BadValueNamesFileKeyValueAndRange) {
  std::string path;
  const std::string msg = load_error(R"({"planes_per_die": 0})", &path);
  EXPECT_EQ(msg, path + ": key 'planes_per_die' = 0: must be an integer in 1..16");
}

/// One bad value per key: the message must name the key and the bad value.
struct BadValueCase {
  const char* json_text;
  const char* key;
  const char* value;
};

/// Prints a case as its JSON text (readable test failure output).
void PrintTo(const BadValueCase& c, std::ostream* os) { *os << c.json_text; }

class NandConfigBadValue : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(NandConfigBadValue, MessageNamesKeyAndValue) {
  const BadValueCase& c = GetParam();
  std::string path;
  const std::string msg = load_error(c.json_text, &path);
  ASSERT_FALSE(msg.empty()) << "accepted: " << c.json_text;
  EXPECT_NE(msg.find(path + ": "), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::string("key '") + c.key + "'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::string(" = ") + c.value), std::string::npos) << msg;
  EXPECT_NE(msg.find("must be"), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    AllKeys, NandConfigBadValue,
    ::testing::Values(
        BadValueCase{R"({"name": 3})", "name", "3"}, BadValueCase{R"({"name": ""})", "name", "\"\""},
        BadValueCase{R"({"cell_type": "PLC"})", "cell_type", "\"PLC\""},
        BadValueCase{R"({"dies": 17})", "dies", "17"}, BadValueCase{R"({"dies": -1})", "dies", "-1"},
        BadValueCase{R"({"dies": "2"})", "dies", "\"2\""}, BadValueCase{R"({"dies": 1.5})", "dies", "1.5"},
        BadValueCase{R"({"planes_per_die": 17})", "planes_per_die", "17"},
        BadValueCase{R"({"blocks_per_plane": 0})", "blocks_per_plane", "0"},
        BadValueCase{R"({"pages_per_block": 99999})", "pages_per_block", "99999"},
        BadValueCase{R"({"page_data_bytes": 8})", "page_data_bytes", "8"},
        BadValueCase{R"({"page_spare_bytes": 70000})", "page_spare_bytes", "70000"},
        BadValueCase{R"({"t_read_ns": 0})", "t_read_ns", "0"},
        BadValueCase{R"({"t_prog_ns": null})", "t_prog_ns", "null"},
        BadValueCase{R"({"t_erase_ns": 1e11})", "t_erase_ns", "100000000000"},
        BadValueCase{R"({"endurance_pe_cycles": 0})", "endurance_pe_cycles", "0"},
        BadValueCase{R"({"read_retry_steps": 65})", "read_retry_steps", "65"},
        BadValueCase{R"({"seed": -5})", "seed", "-5"},
        BadValueCase{R"({"bad_blocks": {}})", "bad_blocks", "{}"},
        BadValueCase{R"({"bad_blocks": [{"die": 0, "plane": 4, "block": 1}]})", "bad_blocks[0].plane", "4"},
        BadValueCase{R"({"bad_blocks": [{"die": 0, "plane": 0, "block": 1}, {"die": 1, "plane": 0, "block": 1}]})",
                     "bad_blocks[1].die", "1"},
        BadValueCase{R"({"bad_blocks": [{"die": 0, "plane": 0, "block": 504}]})", "bad_blocks[0].block", "504"},
        BadValueCase{R"({"errors": 1})", "errors", "1"},
        BadValueCase{R"({"errors": {"base_rber": 0.7}})", "errors.base_rber", "0.7"},
        BadValueCase{R"({"errors": {"base_rber": "1e-4"}})", "errors.base_rber", "\"1e-4\""},
        BadValueCase{R"({"errors": {"pe_coeff": -1}})", "errors.pe_coeff", "-1"},
        BadValueCase{R"({"errors": {"pe_exponent": 5}})", "errors.pe_exponent", "5"},
        BadValueCase{R"({"errors": {"retention_coeff": -0.5}})", "errors.retention_coeff", "-0.5"},
        BadValueCase{R"({"errors": {"read_disturb_coeff": -1e-6}})", "errors.read_disturb_coeff", "-1e-06"},
        BadValueCase{R"({"errors": {"retry_factor": 0}})", "errors.retry_factor", "0"},
        BadValueCase{R"({"errors": {"retry_factor": 1.5}})", "errors.retry_factor", "1.5"}));

TEST(NandConfigErrors, UnknownKeyIsRejectedWithSuggestion) {
  std::string path;
  const std::string msg = load_error(R"({"plane_per_die": 2})", &path);
  EXPECT_NE(msg.find(path + ": unknown key 'plane_per_die'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'planes_per_die'"), std::string::npos) << msg;
}

TEST(NandConfigErrors, UnknownNestedKeysAreRejected) {
  std::string msg = load_error(R"({"errors": {"bse_rber": 1e-4}})");
  EXPECT_NE(msg.find("unknown key 'errors.bse_rber'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'errors.base_rber'"), std::string::npos) << msg;
  msg = load_error(R"({"bad_blocks": [{"die": 0, "plane": 0, "block": 0, "page": 3}]})");
  EXPECT_NE(msg.find("unknown key 'bad_blocks[0].page'"), std::string::npos) << msg;
  msg = load_error(R"({"bad_blocks": [{"die": 0, "block": 0}]})");
  EXPECT_NE(msg.find("key 'bad_blocks[0]'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing key 'plane'"), std::string::npos) << msg;
}

TEST(NandConfigErrors, MissingFileNamesTheFile) {
  const std::string path = "/nonexistent/dir/nand_missing.json";
  try {
    (void)NandConfig::from_json_file(path);
    FAIL() << "no exception";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": cannot open"), std::string::npos) << e.what();
  }
}

TEST(NandConfigErrors, MalformedJsonNamesTheFile) {
  std::string path;
  const std::string msg = load_error(R"({"dies": 1,})", &path);
  EXPECT_NE(msg.find(path + ": invalid JSON"), std::string::npos) << msg;
  EXPECT_NE(load_error("[1, 2]").find("must be a JSON object"), std::string::npos);
}

TEST(NandConfigErrors, ConfigErrorIsARuntimeError) {
  EXPECT_THROW((void)NandConfig::from_json(json::parse(R"({"dies": 0})")), std::runtime_error);
}

TEST(NandConfigErrors, ProgrammaticConfigIsValidatedByTheArray) {
  NandConfig c;
  c.planes_per_die = 0;
  EXPECT_THROW(NandArray{c}, ConfigError);
  c = NandConfig{};
  c.bad_blocks = {{0, 0, 504}};
  try {
    NandArray a(c);
    FAIL() << "no exception";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad_blocks[0].block"), std::string::npos) << e.what();
  }
  c = NandConfig{};
  c.errors.base_rber = std::nan("");
  EXPECT_THROW(NandArray{c}, ConfigError);
}

}  // namespace
}  // namespace ifc::nand
