#include "core/mapped_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace vigil::core {
namespace {

std::string TempPath(const char* name) {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/vigil_core_test_" +
         std::to_string(getpid()) + "_" + name;
}

TEST(FileView, SmallFilesAreReadLargeOnesMapped) {
  const std::string path = TempPath("f");
  std::string content(300 * 1024, 'a');
  content[123] = 'b';
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes(content)).ok());
  auto mapped = FileView::FromPath(path);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->mapped());
  EXPECT_EQ(AsChars(mapped->bytes()), content);
  auto read = FileView::FromPath(path, content.size() + 1);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->mapped());
  EXPECT_EQ(AsChars(read->bytes()), content);
  FileView moved = std::move(mapped).value();
  EXPECT_EQ(moved.bytes().size(), content.size());
  ::unlink(path.c_str());
}

TEST(FileView, MissingFileIsNotFound) {
  auto v = FileView::FromPath("/nonexistent/vigil/x");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
}

TEST(FileView, ReadsPipes) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  close(fds[1]);
  auto v = FileView::FromFd(fds[0]);
  close(fds[0]);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(AsChars(v->bytes()), "hello");
}

TEST(FileView, EmptyFile) {
  const std::string path = TempPath("empty");
  ASSERT_TRUE(WriteFileAtomic(path, {}).ok());
  auto v = FileView::FromPath(path);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->bytes().empty());
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace vigil::core
