// Expected values are SQLite 3.40's answers to the same calls, except where
// json_functions.cc says Tessera differs on purpose.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "function/functions.h"
#include "function/testing.h"
#include "function/value_ops.h"

namespace tessera::function {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): test helpers

// The message of a call that must fail.
std::string Error(const char* name, std::vector<Value> args) {
  absl::StatusOr<Value> r = TryCall(name, std::move(args));
  EXPECT_FALSE(r.ok()) << name << " gave " << r->ToString();
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(JsonFunctionsTest, JsonMinifiesAndKeepsScalarsAsWritten) {
  Value v = Call("json", {T(" { \"a\" : [1, 2.50, 1e2, -0, \"x\\u0041\\n\" ] , \"a\":true } ")});
  EXPECT_EQ(v, T("{\"a\":[1,2.50,1e2,-0,\"x\\u0041\\n\"],\"a\":true}"));
  EXPECT_TRUE(v.is_json());
  EXPECT_EQ(Call("json", {I(2)}), T("2"));
  EXPECT_EQ(Call("json", {B("[1]")}), T("[1]"));
  EXPECT_TRUE(Call("json", {N}).is_null());
  EXPECT_EQ(Error("json", {T("{x}")}), "malformed JSON");
}

TEST(JsonFunctionsTest, ValidFollowsRfc8259) {
  for (const char* ok : {" 5 ", "[true,false,null]", "{}", "\"\\u00e9\\/\"", "-0.5e+3",
                         "\"\\uD800\"", "\"\x7f\""}) {
    EXPECT_EQ(Call("json_valid", {T(ok)}), I(1)) << ok;
  }
  for (const char* bad : {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "tru",
                          "nulls", "1 2", "\"\\x\"", "\"\\u12\"", "\"a\tb\"", "{1:1}",
                          "\f1", "\v1"}) {
    EXPECT_EQ(Call("json_valid", {T(bad)}), I(0)) << bad;
  }
  EXPECT_EQ(Call("json_valid", {N}), I(0));
  // A BLOB that is not UTF-8 is not JSON text.
  EXPECT_EQ(Call("json_valid", {B("\"\xff\"")}), I(0));
  // Nesting deeper than 2000 levels is refused, not a stack overflow.
  EXPECT_EQ(Call("json_valid", {T((std::string(2000, '[') + std::string(2000, ']')).c_str())}),
            I(1));
  EXPECT_EQ(Call("json_valid", {T((std::string(2001, '[') + std::string(2001, ']')).c_str())}),
            I(0));
  EXPECT_EQ(Call("json_valid", {T(std::string(1000000, '{').c_str())}), I(0));
}

TEST(JsonFunctionsTest, ExtractGivesSqlValues) {
  const Value doc = T("[1,2.5,true,false,null,\"x\\u0041\\ud83d\\ude00\",[1, 2],{\"a\":{}}]");
  EXPECT_EQ(Call("json_extract", {doc, T("$[0]")}), I(1));
  EXPECT_EQ(Call("json_extract", {doc, T("$[1]")}), R(2.5));
  EXPECT_EQ(Call("json_extract", {doc, T("$[2]")}), I(1));
  EXPECT_EQ(Call("json_extract", {doc, T("$[3]")}), I(0));
  EXPECT_TRUE(Call("json_extract", {doc, T("$[4]")}).is_null());
  EXPECT_EQ(Call("json_extract", {doc, T("$[5]")}), T("xA\xf0\x9f\x98\x80"));
  Value array = Call("json_extract", {doc, T("$[6]")});
  EXPECT_EQ(array, T("[1,2]"));
  EXPECT_TRUE(array.is_json());
  EXPECT_EQ(Call("json_extract", {doc, T("$[#-1].a")}), T("{}"));
  EXPECT_TRUE(Call("json_extract", {doc, T("$[8]")}).is_null());
  EXPECT_TRUE(Call("json_extract", {doc, T("$[#-9]")}).is_null());
  EXPECT_EQ(Call("json_extract", {doc, T("$[0]"), T("$[9]"), T("$[5]")}),
            T("[1,null,\"x\\u0041\\ud83d\\ude00\"]"));
  EXPECT_EQ(Call("json_extract", {T("[9223372036854775808]"), T("$[0]")}),
            R(9223372036854775808.0));
  EXPECT_EQ(Call("json_extract", {T("-9223372036854775808"), T("$")}), I(INT64_MIN));
  EXPECT_EQ(Call("json_extract", {T("1E+2"), T("$")}), R(100));
  EXPECT_EQ(Call("json_extract", {T("{\"a b\":1,\"a.b\":2}"), T("$.\"a.b\"")}), I(2));
  // Labels match the raw text between the quotes, escapes and all.
  EXPECT_TRUE(Call("json_extract", {T("{\"\\u0061\":1}"), T("$.a")}).is_null());
  // A lone surrogate reads as U+FFFD.
  EXPECT_EQ(Call("json_extract", {T("\"\\ud800\""), T("$")}), T("\xef\xbf\xbd"));
  EXPECT_TRUE(Call("json_extract", {N, T("$")}).is_null());
  EXPECT_TRUE(Call("json_extract", {doc, N}).is_null());
}

TEST(JsonFunctionsTest, PathErrorsOnlyWhereThePathIsRead) {
  const Value obj = T("{\"a\":[],\"b\":{}}");
  EXPECT_EQ(Error("json_extract", {obj, T("a")}), "JSON path error near 'a'");
  EXPECT_EQ(Error("json_extract", {obj, T("$.")}), "JSON path error near ''");
  EXPECT_EQ(Error("json_extract", {obj, T("$.a[x")}), "JSON path error near '[x'");
  EXPECT_EQ(Error("json_extract", {obj, T("$.a[#+1]")}), "JSON path error near '[#+1]'");
  EXPECT_EQ(Error("json_extract", {obj, T("$.a[ 0]")}), "JSON path error near '[ 0]'");
  EXPECT_EQ(Error("json_extract", {obj, T("$.b.\"x")}), "JSON path error near '\"x'");
  // SQLite stops at a missing member before it reads the rest.
  EXPECT_TRUE(Call("json_extract", {obj, T("$.zz[x")}).is_null());
  EXPECT_TRUE(Call("json_extract", {obj, T("$.a.b")}).is_null());
  EXPECT_TRUE(Call("json_extract", {obj, T("$.a ")}).is_null());
}

TEST(JsonFunctionsTest, Arrow) {
  const Value doc = T("{\"a\":{\"b\":[1,2]},\"s\":\"x\",\"n\":null,\"1\":5}");
  Value v = *JsonArrow(doc, T("a"), false);
  EXPECT_EQ(v, T("{\"b\":[1,2]}"));
  EXPECT_TRUE(v.is_json());
  EXPECT_EQ(*JsonArrow(doc, T("$.a.b[1]"), false), T("2"));
  EXPECT_EQ(*JsonArrow(doc, T("s"), false), T("\"x\""));
  EXPECT_EQ(*JsonArrow(doc, T("s"), true), T("x"));
  EXPECT_EQ(*JsonArrow(doc, T("n"), false), T("null"));
  EXPECT_TRUE(JsonArrow(doc, T("n"), true)->is_null());
  Value text = *JsonArrow(doc, T("a"), true);
  EXPECT_EQ(text, T("{\"b\":[1,2]}"));
  EXPECT_FALSE(text.is_json());
  // A number or digits index an array; a label starting with a digit does not.
  EXPECT_TRUE(JsonArrow(doc, T("1"), false)->is_null());
  EXPECT_EQ(*JsonArrow(T("[1,2,3]"), I(2), true), I(3));
  EXPECT_EQ(*JsonArrow(T("[1,[2]]"), T("[1]"), false), T("[2]"));
  EXPECT_TRUE(JsonArrow(T("[1,2,3]"), I(-1), false)->is_null());
  EXPECT_EQ(std::string(JsonArrow(doc, R(1.5), false).status().message()),
            "JSON path error near '[1.5]'");
  EXPECT_TRUE(JsonArrow(N, T("a"), false)->is_null());
  EXPECT_TRUE(JsonArrow(doc, N, false)->is_null());
}

TEST(JsonFunctionsTest, ArrayObjectAndQuoteBuildJson) {
  Value a = Call("json_array", {I(1), R(2.5), T("x\"\\\x01\n"), N, R(1e300), R(-0.0),
                                Call("json", {T("[1]")}), T("[1]"), Value::Boolean(true)});
  EXPECT_EQ(a, T("[1,2.5,\"x\\\"\\\\\\u0001\\n\",null,1.0e+300,0.0,[1],\"[1]\",true]"));
  EXPECT_TRUE(a.is_json());
  EXPECT_EQ(Call("json_array", {}), T("[]"));
  EXPECT_EQ(Call("json_array", {R(1.0 / 0.0)}), T("[9e999]"));
  EXPECT_EQ(Error("json_array", {B("\x01")}), "JSON cannot hold BLOB values");
  EXPECT_EQ(Call("json_object", {T("a"), I(1), T("a"), N}), T("{\"a\":1,\"a\":null}"));
  EXPECT_EQ(Call("json_object", {}), T("{}"));
  EXPECT_EQ(Error("json_object", {I(1), I(2)}), "json_object() labels must be TEXT");
  EXPECT_EQ(Error("json_object", {T("a")}), "json_object() requires an even number of arguments");
  EXPECT_EQ(Call("json_quote", {T("a\"b")}), T("\"a\\\"b\""));
  EXPECT_EQ(Call("json_quote", {R(3.0)}), T("3.0"));
  EXPECT_EQ(Call("json_quote", {N}), T("null"));
  EXPECT_EQ(Call("json_quote", {Call("json", {T(" [1] ")})}), T("[1]"));
}

TEST(JsonFunctionsTest, TypeAndArrayLength) {
  const Value doc = T("{\"a\":[1,2.0,\"s\",true,false,null,{}]}");
  EXPECT_EQ(Call("json_type", {doc}), T("object"));
  const char* types[] = {"integer", "real", "text", "true", "false", "null", "object"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Call("json_type", {doc, T(("$.a[" + std::to_string(i) + "]").c_str())}),
              T(types[i]));
  }
  EXPECT_TRUE(Call("json_type", {doc, T("$.a[7]")}).is_null());
  EXPECT_EQ(Call("json_array_length", {T("[1,2]")}), I(2));
  EXPECT_EQ(Call("json_array_length", {T("{}")}), I(0));
  EXPECT_EQ(Call("json_array_length", {doc, T("$.a")}), I(7));
  EXPECT_TRUE(Call("json_array_length", {doc, T("$.b")}).is_null());
  EXPECT_TRUE(Call("json_array_length", {N}).is_null());
}

TEST(JsonFunctionsTest, InsertReplaceSet) {
  const Value obj = T("{\"a\":1}");
  EXPECT_EQ(Call("json_set", {obj, T("$.a"), I(2), T("$.b"), I(3)}), T("{\"a\":2,\"b\":3}"));
  EXPECT_EQ(Call("json_insert", {obj, T("$.a"), I(2), T("$.b"), I(3)}), T("{\"a\":1,\"b\":3}"));
  EXPECT_EQ(Call("json_replace", {obj, T("$.a"), I(2), T("$.b"), I(3)}), T("{\"a\":2}"));
  // Missing containers are made for `.label` and `[0]` steps only.
  EXPECT_EQ(Call("json_set", {obj, T("$.b[0][0]"), I(1)}), T("{\"a\":1,\"b\":[[1]]}"));
  EXPECT_EQ(Call("json_set", {T("{}"), T("$.a[0].b"), I(1)}), T("{\"a\":[{\"b\":1}]}"));
  EXPECT_EQ(Call("json_set", {T("{}"), T("$.c[1]"), I(1)}), T("{}"));
  EXPECT_EQ(Call("json_set", {T("{}"), T("$.c[#]"), I(1)}), T("{}"));
  EXPECT_EQ(Call("json_set", {T("{\"a\":5}"), T("$.a.b"), I(1)}), T("{\"a\":5}"));
  // Arrays: an index just past the end (or [#]) appends; further is ignored.
  EXPECT_EQ(Call("json_set", {T("[1]"), T("$[1]"), I(2)}), T("[1,2]"));
  EXPECT_EQ(Call("json_set", {T("[1]"), T("$[5]"), I(2)}), T("[1]"));
  EXPECT_EQ(Call("json_set", {T("[1]"), T("$[#]"), I(2), T("$[#]"), I(3)}), T("[1,2,3]"));
  // A later path reads the array as the earlier ones left it (SQLite 3.40
  // puts x into the appended object here).
  EXPECT_EQ(Call("json_insert", {T("[1,2,3]"), T("$[3].b"), I(5), T("$[2].x"), T("x")}),
            T("[1,2,3,{\"b\":5}]"));
  EXPECT_EQ(Call("json_insert", {T("[1,2,{}]"), T("$[3].b"), I(5), T("$[2].x"), T("x")}),
            T("[1,2,{\"x\":\"x\"},{\"b\":5}]"));
  EXPECT_EQ(Call("json_replace", {T("[1]"), T("$[#]"), I(2)}), T("[1]"));
  EXPECT_EQ(Call("json_set", {T("[1,2]"), T("$[#-1]"), I(9)}), T("[1,9]"));
  // The root itself.
  EXPECT_EQ(Call("json_set", {obj, T("$"), I(5)}), T("5"));
  EXPECT_EQ(Call("json_insert", {obj, T("$"), I(5)}), T("{\"a\":1}"));
  // JSON made by a JSON function goes in as JSON, other text as a string.
  EXPECT_EQ(Call("json_set", {obj, T("$.a"), Call("json", {T("[1]")})}), T("{\"a\":[1]}"));
  EXPECT_EQ(Call("json_set", {obj, T("$.a"), T("[1]")}), T("{\"a\":\"[1]\"}"));
  // A later path does not descend into a value this call put in place.
  EXPECT_EQ(Call("json_set", {T("{\"a\":{\"b\":1}}"), T("$.a"), Call("json", {T("{\"c\":2}")}),
                              T("$.a.c"), I(3)}),
            T("{\"a\":{\"c\":2}}"));
  EXPECT_EQ(Call("json_set", {T("{}"), T("$.a.b"), I(1), T("$.a.c"), I(2)}),
            T("{\"a\":{\"b\":1,\"c\":2}}"));
  EXPECT_EQ(Call("json_set", {T("{}"), T("$.a\"b"), I(1)}), T("{\"a\\\"b\":1}"));
  EXPECT_EQ(Call("json_set", {obj, N, I(1)}), obj);
  EXPECT_TRUE(Call("json_set", {N, T("$"), I(1)}).is_null());
  EXPECT_EQ(Error("json_set", {obj, T("$.a")}), "json_set() needs an odd number of arguments");
  EXPECT_EQ(Error("json_set", {obj, T("$.a"), B("\x01")}), "JSON cannot hold BLOB values");
  EXPECT_EQ(Error("json_set", {obj, T("a"), I(1)}), "JSON path error near 'a'");
  // A path that would nest deeper than a document may is refused.
  std::string deep = "$";
  for (int i = 0; i < 3000; ++i) deep += ".a";
  EXPECT_EQ(Error("json_set", {T("{}"), T(deep.c_str()), I(1)}), "JSON nested too deeply");
}

TEST(JsonFunctionsTest, RemoveAndPatch) {
  EXPECT_EQ(Call("json_remove", {T("[1,2,3]"), T("$[1]")}), T("[1,3]"));
  EXPECT_EQ(Call("json_remove", {T("[1,2,3]"), T("$[0]"), T("$[0]")}), T("[3]"));
  EXPECT_EQ(Call("json_remove", {T("{\"a\":1,\"a\":2}"), T("$.a")}), T("{\"a\":2}"));
  EXPECT_EQ(Call("json_remove", {T("[1,2,3]"), T("$[#]")}), T("[1,2,3]"));
  EXPECT_EQ(Call("json_remove", {T(" {\"a\" : 1} ")}), T("{\"a\":1}"));
  EXPECT_TRUE(Call("json_remove", {T("[1]"), T("$")}).is_null());
  EXPECT_TRUE(Call("json_remove", {T("[1]"), N}).is_null());
  EXPECT_EQ(Error("json_remove", {T("{}"), T("$"), T("$.")}), "JSON path error near ''");
  EXPECT_EQ(Call("json_patch", {T("{\"a\":1,\"b\":{\"c\":2}}"),
                                T("{\"b\":{\"c\":null,\"d\":3},\"e\":[1],\"f\":{\"g\":null}}")}),
            T("{\"a\":1,\"b\":{\"d\":3},\"e\":[1],\"f\":{}}"));
  EXPECT_EQ(Call("json_patch", {T("{\"a\":1,\"a\":2}"), T("{\"a\":9}")}), T("{\"a\":9,\"a\":2}"));
  EXPECT_EQ(Call("json_patch", {T("[1]"), T("{\"a\":1}")}), T("{\"a\":1}"));
  // A key the patch names twice: appended twice when new; when the target
  // has it, the first patch member that replaces or removes it wins.
  EXPECT_EQ(Call("json_patch", {T("{\"a\":0,\"b\":0}"),
                                T("{\"a\":1,\"a\":2,\"b\":null,\"b\":3}")}),
            T("{\"a\":1}"));
  // Two merges into one object both count (SQLite 3.40 keeps only the
  // second's new members here).
  EXPECT_EQ(Call("json_patch", {T("{\"a\":{}}"), T("{\"a\":{\"x\":1},\"a\":{\"y\":2}}")}),
            T("{\"a\":{\"x\":1,\"y\":2}}"));
  EXPECT_EQ(Call("json_patch", {T("{\"a\":{\"b\":null}}"),
                                T("{\"c\":{\"d\":null,\"e\":{\"f\":null}}}")}),
            T("{\"a\":{\"b\":null},\"c\":{\"e\":{}}}"));
  EXPECT_EQ(Call("json_patch", {T("1"), T("{\"a\":null,\"b\":{\"c\":null}}")}),
            T("{\"b\":{}}"));
  EXPECT_EQ(Call("json_patch", {T("{}"), T("{\"a\":[],\"b\":1,\"a\":{\"c\":1,\"c\":null}}")}),
            T("{\"a\":[],\"b\":1,\"a\":{\"c\":1}}"));
  EXPECT_EQ(Call("json_patch", {T("{\"a\":1}"), T("[2]")}), T("[2]"));
  EXPECT_TRUE(Call("json_patch", {N, T("{}")}).is_null());
}

TEST(JsonFunctionsTest, GroupArrayAndObject) {
  AggregateState st;
  const AggregateKind array = *FindAggregate("json_group_array", 1, false);
  absl::StatusOr<Value> empty = AggregateFinish(array, st);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, T("[]"));
  for (const Value& v : {I(1), N, T("a"), Call("json", {T("[2]")})}) {
    AggregateUpdate(array, v, N, &st);
  }
  AggregateState other;
  AggregateUpdate(array, R(2.5), N, &other);
  AggregateMerge(array, other, N, &st);
  absl::StatusOr<Value> r = AggregateFinish(array, st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, T("[1,null,\"a\",[2],2.5]"));
  EXPECT_TRUE(r->is_json());
  AggregateUpdate(array, B("\x01"), N, &st);
  EXPECT_FALSE(AggregateFinish(array, st).ok());

  const AggregateKind object = *FindAggregate("json_group_object", 2, false);
  EXPECT_TRUE(IsAggregateName("json_group_object"));
  const ScalarFunction* member = JsonObjectMember();
  AggregateState obj;
  std::vector<Value> args = {I(1), T("x")};
  AggregateUpdate(object, *member->fn(args), N, &obj);
  args = {T("b"), Call("json", {T("{}")})};
  AggregateUpdate(object, *member->fn(args), N, &obj);
  EXPECT_EQ(*AggregateFinish(object, obj), T("{\"1\":\"x\",\"b\":{}}"));
  args = {N, I(1)};
  EXPECT_FALSE(member->fn(args).ok());
}

}  // namespace
}  // namespace tessera::function
