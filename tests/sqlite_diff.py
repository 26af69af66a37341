#!/usr/bin/env python3
"""Differential test against SQLite: random queries on the same small tables,
run through `tessera sql` and the `sqlite3` shell, compared as sets of rows.

Manual (it needs the sqlite3 shell, which bench/compare.sh installs):

    bazel build //:tessera && python3 tests/sqlite_diff.py --seeds 1-20

Integer columns by default; --text uses a table of TEXT columns and text
literals (string functions, ||, LIKE, GLOB, comparisons of text, and of
text columns with numbers, where SQLite's affinity rules apply). Both
call the built-in functions SQLite's shell has too (math, sign, iif, printf,
quote, hex, char, unicode); the integer queries include recursive CTEs
(counting, cycles, reachability over a table). --dates calls the date and time functions on
random time values and modifier chains. --numeric compares columns without
a type and with NUMERIC affinity (what they store, comparisons, IN,
BETWEEN, with and without indexes) and CAST AS NUMERIC. --triggers runs
writes whose triggers write other tables (and fire their triggers),
through a view's INSTEAD OF triggers too, with upserts and OR REPLACE,
and compares every table after each. --json calls the JSON functions
and the -> and ->> operators on random documents and paths, and reads
json_each and json_tree over each document (joined, left-joined, grouped). --collate compares,
groups and orders TEXT columns declared NOCASE, RTRIM and BINARY (some
indexed) with and without COLLATE clauses. --foreign-keys runs writes on
tables linked by foreign keys with random ON DELETE / ON UPDATE actions,
PRAGMA foreign_keys=ON, and compares every table after each. --windows calls window functions
(ranking, offsets, frame values, aggregates) over random partitions, orders
and frames, also over a GROUP BY's rows; where a result depends on the
order of ties, the window's ORDER BY ends with the primary key.
The integer queries cover
joins (inner, LEFT, RIGHT, FULL, comma), WHERE, CASE, IN, BETWEEN, scalar and EXISTS
subqueries (correlated ones too, also under GROUP BY and HAVING), aggregates
(some with FILTER) and set operations; bare columns and LIMIT are left out, where SQLite's
choice of row is unspecified. Exit status 1 when any query differs (in rows,
or in whether it failed).
"""

import argparse
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

TABLES = {"t1": ["a", "b", "c"], "t2": ["x", "y"], "t3": ["p", "q"]}
LITERALS = ["0", "1", "2", "3", "-1", "5", "7", "10", "NULL"]
OPERATORS = ["+", "-", "*", "<", "<=", ">", ">=", "=", "<>", "AND", "OR"]


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def column(self, tables):
        t = self.r.choice(tables)
        return "%s.%s" % (t, self.r.choice(TABLES[t]))

    def expr(self, tables, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            return r.choice([r.choice(LITERALS)] + [self.column(tables)] * 3)
        e = lambda: self.expr(tables, depth - 1)
        k = r.random()
        if k < 0.4:
            return "(%s %s %s)" % (e(), r.choice(OPERATORS), e())
        if k < 0.5:
            return "(%s IS NULL)" % e()
        if k < 0.6:
            return "CASE WHEN %s THEN %s ELSE %s END" % (e(), e(), e())
        if k < 0.68:
            return "coalesce(%s, %s)" % (e(), e())
        if k < 0.74:
            return "abs(%s)" % e()
        if k < 0.8:
            return "(%s IN (%s))" % (e(), ", ".join(r.choice(LITERALS) for _ in range(3)))
        if k < 0.83:
            return "(%s BETWEEN %s AND %s)" % (e(), e(), e())
        if k < 0.86:
            return self.function(tables, e)
        if k < 0.88:
            # Row values, compared element by element (in order for < and >).
            return "((%s, %s) %s (%s, %s))" % (e(), e(), r.choice(["=", "<>", "<", "<=", ">", ">=", "IS",
                                                                   "IS NOT"]), e(), e())
        if k < 0.90:
            # A column against text: the text takes the column's INTEGER
            # affinity when it is a number (SQLite's comparison rule).
            return "(%s %s %s)" % (self.column(tables), r.choice(["=", "<", ">=", "<>", "IS"]),
                                   r.choice(["'5'", "'07'", "' 3 '", "'abc'", "'2.0'", "'-1'",
                                             "'1e1'", "''"]))
        if k < 0.92:
            return "(SELECT %s(t3.q) FROM t3 WHERE t3.p %s %s)" % (
                r.choice(["count", "max", "min", "sum"]), r.choice(["=", "<", ">"]), e())
        if k < 0.96:
            return "EXISTS (SELECT 1 FROM t2 WHERE t2.x = %s)" % e()
        return "(%s IN (SELECT t2.y FROM t2))" % e()

    def function(self, tables, e):
        # Math functions (REAL results compare to 6 digits), sign, iif.
        r = self.r
        k = r.random()
        if k < 0.5:
            return "%s(%s)" % (r.choice(["sqrt", "ln", "log", "log2", "ceil", "floor", "trunc",
                                         "sign", "degrees"]), e())
        if k < 0.7:
            return "%s(%s, %s)" % (r.choice(["mod", "log", "atan2"]), e(), e())
        return "iif(%s, %s, %s)" % (e(), e(), e())

    def text_item(self, tables):
        # Functions returning TEXT go to the select list only: compared with
        # a number, TEXT follows SQLite's affinity rules, which Tessera does
        # not. quote and hex take integers only (a REAL's text differs:
        # SQLite prints 15 digits, Tessera 17 when 15 do not read back).
        r = self.r
        if r.random() < 0.5:
            return "printf('%s', %s, %s)" % (
                r.choice(["%d|%5d", "%x %o", "%-4d|%+d", "%,d/%05d", "%.2f %s"]),
                self.expr(tables, 2), self.expr(tables, 2))
        plain = lambda: r.choice([r.choice(LITERALS), self.column(tables)])
        return "%s(%s) || %s(%s)" % (r.choice(["quote", "hex"]), plain(),
                                     r.choice(["quote", "hex"]), plain())

    def setup(self):
        r = self.r
        out = ["CREATE TABLE t1(a INTEGER PRIMARY KEY, b INTEGER, c INTEGER);",
               "CREATE TABLE t2(x INTEGER, y INTEGER);",
               "CREATE TABLE t3(p INTEGER PRIMARY KEY, q INTEGER);"]
        out += ["INSERT INTO t1 VALUES (%d, %s, %s);" % (i, r.choice(LITERALS), r.choice(LITERALS))
                for i in range(12)]
        out += ["INSERT INTO t2 VALUES (%s, %s);" % (r.choice(LITERALS), r.choice(LITERALS))
                for _ in range(10)]
        out += ["INSERT INTO t3 VALUES (%d, %s);" % (i, r.choice(LITERALS)) for i in range(8)]
        return "\n".join(out) + "\n"

    def recursive(self):
        # Recursive CTEs that end: counting up to a bound, a UNION that
        # cycles, and reachability over t2's (x, y) edges (UNION ends
        # cycles in the data).
        r = self.r
        k = r.random()
        if k < 0.4:
            cte = "r(n) AS (SELECT %d UNION%s SELECT n + %d FROM r WHERE n < %d)" % (
                r.randint(-1, 5), r.choice(["", " ALL"]), r.randint(1, 3), r.randint(0, 15))
        elif k < 0.6:
            cte = "r(n) AS (SELECT %d UNION SELECT (n * %d + 1) %% 17 FROM r)" % (
                r.randint(0, 5), r.randint(2, 5))
        else:
            cte = ("r(n) AS (SELECT x FROM t2 WHERE y %s %s UNION SELECT t2.y FROM t2 "
                   "JOIN r ON t2.x = r.n)" % (r.choice(["=", "<", ">"]), r.choice(LITERALS)))
        body = r.choice([
            "SELECT n FROM r",
            "SELECT count(*), sum(n), min(n), max(n) FROM r",
            "SELECT r.n, t1.b FROM r LEFT JOIN t1 ON t1.a = r.n",
            "SELECT n, (SELECT count(*) FROM t3 WHERE t3.q = r.n) FROM r",
        ])
        return "WITH RECURSIVE %s %s" % (cte, body)

    def query(self):
        r = self.r
        k = r.random()
        if k < 0.06:
            return self.recursive()
        if k < 0.5:
            ts = r.choice([["t1"], ["t1", "t2"], ["t2", "t3"], ["t1", "t3"]])
            if r.random() < 0.6:
                source = ", ".join(ts)
            elif len(ts) == 2 and r.random() < 0.3:
                # A join nested in parentheses: its ON compares its own tables'
                # columns (no subquery: Tessera refuses a correlated one there).
                inner = [ts[1], ({"t1", "t2", "t3"} - set(ts)).pop()]
                source = "%s %sJOIN (%s %sJOIN %s ON %s %s %s) ON %s" % (
                    ts[0], r.choice(["", "LEFT "]), inner[0], r.choice(["", "LEFT "]), inner[1],
                    self.column(inner[:1]), r.choice(["=", "<", ">=", "<>"]),
                    self.column(inner[1:]), self.expr([ts[0]] + inner, 1))
                ts = [ts[0]] + inner
            else:
                source = ts[0] + "".join(
                    " %sJOIN %s ON %s" % (r.choice(["", "LEFT ", "RIGHT ", "FULL "]), t,
                                          self.expr(ts[:j + 2], 1))
                    for j, t in enumerate(ts[1:]))
            items = [self.expr(ts, 2) for _ in range(r.randint(1, 3))]
            if r.random() < 0.25:
                items.append(self.text_item(ts))
            q = "SELECT %s FROM %s" % (", ".join(items), source)
            if r.random() < 0.6:
                q += " WHERE %s" % self.expr(ts, 2)
            return q
        if k < 0.8:
            ts = r.choice([["t1"], ["t2"], ["t1", "t3"]])
            g = self.column(ts)
            agg = "%s(%s)" % (r.choice(["sum", "max", "min", "count", "total"]), self.expr(ts, 2))
            if r.random() < 0.3:
                agg += " FILTER (WHERE %s)" % self.expr(ts, 1)
            q = "SELECT %s, %s, count(*) FROM %s GROUP BY %s" % (g, agg, ", ".join(ts), g)
            if r.random() < 0.4:
                q += " HAVING %s(%s) %s %s" % (r.choice(["sum", "max", "min", "count"]),
                                               self.expr(ts, 1), r.choice(["<", ">", "="]),
                                               r.choice(LITERALS))
            return q
        if k < 0.85:
            t = r.choice(["t1", "t2"])
            g = self.column([t])
            q = "SELECT %s, count(*), (SELECT %s(t3.q) FROM t3 WHERE t3.p %s %s) FROM %s GROUP BY %s" % (
                g, r.choice(["count", "max", "sum"]), r.choice(["<", "=", ">"]), g, t, g)
            if r.random() < 0.5:
                q += " HAVING EXISTS (SELECT 1 FROM t3 WHERE t3.q %s %s)" % (
                    r.choice(["<", "=", ">"]), g)
            return q
        if k < 0.9:
            return "SELECT %s FROM t1 %s SELECT %s FROM t2" % (
                self.expr(["t1"], 2), r.choice(["UNION", "UNION ALL", "EXCEPT", "INTERSECT"]),
                self.expr(["t2"], 2))
        return "SELECT count(*), sum(%s), min(%s), max(%s) FROM t1 WHERE %s" % tuple(
            self.expr(["t1"], 2) for _ in range(4))


class WindowGenerator(Generator):
    """Window functions over t1 (a is its primary key: appended to a
    window's ORDER BY when ties would make the answer unspecified)."""

    # Results that depend only on peer groups, not on the order of ties.
    TIE_FREE = ["rank()", "dense_rank()", "percent_rank()", "cume_dist()", "count(*)",
                "count(%s)", "sum(%s)", "min(%s)", "max(%s)", "total(%s)", "avg(%s)"]
    TIE_BOUND = ["row_number()", "ntile(%d)", "lag(%s)", "lag(%s, %d)", "lead(%s, %d, %s)",
                 "first_value(%s)", "last_value(%s)", "nth_value(%s, %d)",
                 "group_concat(%s, '.')", "lag(%s, -1)"]
    ORDER_TERMS = ["b", "c DESC", "b + c", "c NULLS LAST", "b DESC NULLS FIRST", "abs(c)"]
    FRAMES = ["", "", "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING", "ROWS UNBOUNDED PRECEDING",
              "ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING", "ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING",
              "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
              "GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING", "GROUPS 2 PRECEDING",
              "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW",
              "GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING EXCLUDE GROUP",
              "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES",
              "RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING", "RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING"]

    def arg(self):
        return self.expr(["t1"], 1)

    def call(self, grouped=False):
        r = self.r
        arg = (lambda: r.choice(["b", "sum(c)", "count(*)", "max(a)"])) if grouped else self.arg
        tie_bound = r.random() < 0.5
        f = r.choice(self.TIE_BOUND if tie_bound else self.TIE_FREE)
        f = f.replace("%d", str(r.randint(1, 4)), 1).replace("%d", str(r.randint(1, 3)), 1)
        while "%s" in f:
            f = f.replace("%s", arg(), 1)
        # Not min/max: SQLite 3.40 ignores FILTER for them over a moving
        # frame (max(a) FILTER (WHERE 0) OVER (ORDER BY a ROWS 1 PRECEDING)
        # gives a, where the answer is NULL).
        if not tie_bound and not grouped and f.split("(")[0] in ("count", "sum", "total", "avg") \
                and r.random() < 0.3:
            f += " FILTER (WHERE %s)" % self.arg()
        part = r.choice(["", "", "PARTITION BY b ", "PARTITION BY c % 2 ", "PARTITION BY b, c "])
        if grouped:
            part = r.choice(["", "PARTITION BY b % 2 "])
        terms = r.sample(self.ORDER_TERMS, r.choice([0, 1, 1, 2]))
        if grouped:
            terms = r.sample(["b", "sum(c) DESC", "count(*)"], r.choice([0, 1, 2]))
        frame = r.choice(self.FRAMES)
        if frame.startswith("RANGE BETWEEN") and "PRECEDING AND" in frame and "UNBOUNDED" not in frame \
                or "1 FOLLOWING AND 3" in frame:
            # RANGE with offsets: one numeric ORDER BY term, ties harmless.
            if tie_bound or grouped:
                frame = ""
            else:
                terms = [r.choice(["b", "c DESC", "b + c"])]
        if frame.startswith("ROWS"):
            tie_bound = True
        if tie_bound:
            terms = terms + (["b"] if grouped else ["a"])
        order = "ORDER BY %s " % ", ".join(terms) if terms else ""
        return "%s OVER (%s%s%s)" % (f, part, order, frame)

    def query(self):
        r = self.r
        k = r.random()
        if k < 0.6:
            items = ["a"] + [self.call() for _ in range(r.randint(1, 3))]
            q = "SELECT %s FROM t1" % ", ".join(items)
            if r.random() < 0.4:
                q += " WHERE %s" % self.expr(["t1"], 2)
            return q
        if k < 0.75:
            return "SELECT b, sum(c), count(*), %s FROM t1 GROUP BY b" % ", ".join(
                self.call(grouped=True) for _ in range(r.randint(1, 2)))
        if k < 0.9:
            return "SELECT * FROM (SELECT a, b, %s AS w FROM t1) WHERE w %s %s" % (
                self.call(), r.choice(["<", "=", ">", "IS NOT"]), r.choice(LITERALS))
        return "SELECT a, %s * 2, %s FROM t1 WINDOW win AS (PARTITION BY b ORDER BY a)" % (
            r.choice(["sum(c) OVER win", "row_number() OVER win", "lag(c) OVER win"]),
            r.choice(["count(*) OVER win", "rank() OVER (win)", "max(c) OVER (win ROWS 1 PRECEDING)"]))


TEXT_LITERALS = ["'a'", "'B'", "'abc'", "'ABC'", "''", "'a%'", "'%b%'", "'_c'", "'hello world'",
                 "' pad '", "'x_y'", "NULL", "'10'", "'9'", "'\u00e9'", "'_\u00e9_'",
                 "'[\u00e0-\u00fd]*'"]


class TextGenerator:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def expr(self, depth, text_only=False):
        # text_only: an operand of a comparison. TEXT against a number from
        # an expression compares by type in both (numbers sort first); the
        # column cases below check the affinity rules.
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            return r.choice([r.choice(TEXT_LITERALS), "t4.s", "t4.u"])
        e = lambda: self.expr(depth - 1, text_only)
        t = lambda: self.expr(depth - 1, True)
        k = r.random()
        if k < 0.25:
            return "(%s || %s)" % (e(), e())
        if k < 0.45:
            return "%s(%s)" % (r.choice(["upper", "lower", "trim", "ltrim", "rtrim"] +
                                        ([] if text_only else ["length", "typeof"])), e())
        if k < 0.55:
            return "substr(%s, %s, %s)" % (e(), r.choice(["1", "2", "-1", "0"]),
                                           r.choice(["1", "2", "3"]))
        if k < 0.65:
            return "replace(%s, %s, %s)" % (e(), e(), e())
        if k < 0.72:
            return "coalesce(%s, %s)" % (e(), e())
        if k < 0.8:
            return self.function(e)
        if text_only:
            return "CASE WHEN %s THEN %s ELSE %s END" % (self.expr(depth - 1), t(), t())
        if k < 0.85:
            return "instr(%s, %s)" % (t(), t())
        if k < 0.9:
            return "(%s %s %s)" % (t(), r.choice(["=", "<>", "<", ">", "LIKE", "GLOB", "NOT LIKE",
                                                  "IS", "IS NOT"]), t())
        if k < 0.93:
            # A TEXT column against a number: the number takes the column's
            # TEXT affinity; a number against a number-free expression does
            # not (SQLite's comparison rules).
            return "(%s %s %s)" % (r.choice(["t4.s", "t4.u", "upper(t4.s)"]),
                                   r.choice(["=", "<", ">", "<>"]),
                                   r.choice(["10", "9", "9.0", "length(t4.u)", "0", "-1"]))
        return "CASE WHEN %s THEN %s ELSE %s END" % (e(), e(), e())

    def function(self, e):
        # printf's precision is left out: SQLite cuts bytes even inside a
        # character, Tessera never does (text_functions.cc).
        r = self.r
        k = r.random()
        if k < 0.3:
            return "%s(%s)" % (r.choice(["hex", "quote", "unicode"]), e())
        if k < 0.35:
            return "char(coalesce(unicode(%s), 65), 0x263a)" % e()
        if k < 0.4:
            return "%s(%s, %s)" % (r.choice(["like", "glob"]), e(), e())
        if k < 0.55:
            return "printf('%s', %s, %s)" % (
                r.choice(["%s|%6s|%-6s|", "%q/%Q", "%w"]), e(), e())
        if k < 0.7:
            # %c of NULL or '': SQLite writes a NUL character, Tessera nothing.
            return "printf('%s', coalesce(nullif(%s, ''), 'z'), coalesce(nullif(%s, ''), 'y'))" % (
                r.choice(["%!.2s %c", "[%5c]", "%c%-3c|"]), e(), e())
        return "iif(%s, %s, %s)" % (self.expr(1), e(), e())

    def setup(self):
        r = self.r
        rows = ["INSERT INTO t4 VALUES (%d, %s, %s);" % (i, r.choice(TEXT_LITERALS),
                                                        r.choice(TEXT_LITERALS)) for i in range(10)]
        return "\n".join(["CREATE TABLE t4(k INTEGER PRIMARY KEY, s TEXT, u TEXT);"] + rows) + "\n"

    def query(self):
        q = "SELECT %s, %s FROM t4" % (self.expr(3), self.expr(2))
        if self.r.random() < 0.4:
            q += " WHERE %s" % self.expr(2)
        return q


DATE_VALUES = ["'2023-03-05'", "'2024-02-29 13:14:15'", "'2023-02-30'", "'2023-01-31T23:59:59.999'",
               "'12:34'", "'24:00:00'", "'2023-03-05 07:08:09+02:00'", "'2023-03-05 22:00-05:30'",
               "'2023-03-05 01:02:03Z'", "'-0001-12-31'", "'0000-01-01 00:00'", "'9999-12-31 23:59'",
               "2460000.25", "0", "-1", "1700000000", "'1700000000'", "1.5e9", "20230101", "NULL",
               "'2023-3-5'", "' 2023-03-05'", "'2023-03-05 '", "'garbage'", "'2023-13-01'",
               "'2020-12-31 12:00:00.5'"]
DATE_MODIFIERS = ["'+1 day'", "'-1 days'", "'+1.5 days'", "'+36 hours'", "'-90 minutes'",
                  "'+0.5 seconds'", "'+1 month'", "'-1 month'", "'+13 months'", "'+1.5 months'",
                  "'-1.25 months'", "'+1 year'", "'-2.5 years'", "'start of month'",
                  "'start of year'", "'start of day'", "'weekday 0'", "'weekday 3'",
                  "'weekday 7'", "'unixepoch'", "'auto'", "'julianday'", "'+01:30'",
                  "'-25:00'", "'+3 DAYS'", "'+3 day '", "'bogus'", "NULL", "'+10000 years'",
                  ]
DATE_FORMATS = ["'%Y-%m-%d'", "'%H:%M:%S'", "'%f %j %W %w'", "'%s'", "'%J'", "'%d/%m/%Y %%'",
                "'%Q'", "'%'"]


class DateGenerator:
    """Date and time functions over time values and modifier chains (run
    with TZ=UTC: 'localtime' and 'utc' then agree by construction)."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def moment(self):
        r = self.r
        args = [r.choice(DATE_VALUES)] + [r.choice(DATE_MODIFIERS)
                                          for _ in range(r.choice([0, 1, 1, 2, 3]))]
        return ", ".join(args)

    def call(self):
        r = self.r
        f = r.choice(["date", "time", "datetime", "unixepoch", "julianday", "strftime"])
        if f == "strftime":
            return "strftime(%s, %s)" % (r.choice(DATE_FORMATS), self.moment())
        if f == "julianday":  # compared as whole milliseconds
            return "round(julianday(%s) * 86400000)" % self.moment()
        return "%s(%s)" % (f, self.moment())

    def setup(self):
        return "CREATE TABLE d(k INTEGER PRIMARY KEY);\nINSERT INTO d VALUES (1);\n"

    def query(self):
        return "SELECT %s FROM d" % ", ".join(self.call() for _ in range(3))


class JsonGenerator:
    """JSON functions and the -> and ->> operators over random documents
    (a few malformed, some NULL), with paths that hit, miss, or are
    malformed. Left out where Tessera differs on purpose (json_functions.cc):
    infinities, lone surrogates, and JSON values passed through subqueries."""

    KEYS = ["a", "b", "c", "a b", "x.y", ""]
    STRINGS = ['"s"', '"a\\"q"', '"x\\u0041"', '"\\n"', '"\\/"', '""', '"\u00e9"']
    NUMBERS = ["0", "1", "-7", "2.50", "1e2", "-0", "0.1", "123456789012", "1E-2",
               "9223372036854775807", "9223372036854775808"]

    def __init__(self, seed):
        self.r = random.Random(seed)

    def doc(self, depth, unique_keys=False):
        r = self.r
        k = r.random()
        if depth <= 0 or k < 0.35:
            return r.choice(self.NUMBERS + self.STRINGS + ["true", "false", "null"])
        n = r.choice([0, 1, 2, 3, 3])
        sp = r.choice(["", "", " "])
        if k < 0.65:
            return "[" + (sp + "," + sp).join(self.doc(depth - 1, unique_keys) for _ in range(n)) + "]"
        # A patch names each key once: what a key named twice does is
        # undefined (RFC 8259), and SQLite 3.40 loses members then.
        keys = r.sample(self.KEYS, n) if unique_keys else [r.choice(self.KEYS) for _ in range(n)]
        return "{" + ",".join('%s"%s"%s:%s' % (sp, key, sp, self.doc(depth - 1, unique_keys))
                              for key in keys) + "}"

    def path(self):
        r = self.r
        p = "$"
        for _ in range(r.choice([0, 1, 1, 2, 2, 3])):
            k = r.random()
            if k < 0.4:
                key = r.choice(self.KEYS)
                p += '."%s"' % key if (" " in key or "." in key or key == "") else "." + key
            elif k < 0.8:
                p += "[%d]" % r.choice([0, 0, 1, 2, 3])
            elif k < 0.95:
                p += r.choice(["[#-1]", "[#-2]", "[#]"])
            else:
                p += r.choice(["[x", ".", "[#+1]", "[ 0]"])
        return "'%s'" % p.replace("'", "''")

    def value(self):
        r = self.r
        return r.choice(["1", "-2", "2.5", "0.1", "'x'", "'a\"b'", "NULL", "json('[1,{}]')",
                         "json_array(1, 'q')", "doc -> %s" % self.path(), "k", "k * 0.5",
                         "json_object('k', k)", "'[1]'", "doc ->> %s" % self.path()])

    def edit_path(self):
        # Not the root: SQLite 3.40 returns a replaced root's SQL value
        # as it is ('x', not "x"), which is not JSON. Not malformed either:
        # after an edit that appended to an array, SQLite 3.40 ignores a
        # malformed later path instead of reporting it.
        while True:
            p = self.path()
            if not any(bad in p for bad in ("[x", "[#+1]", "[ 0]", ".'", "..", ".[")) and \
                    not p.endswith(".'"):
                break
        return p if p != "'$'" else "'$[0]'"

    def call(self):
        r = self.r
        path, value, edit_path = self.path, self.value, self.edit_path
        choices = [
            lambda: "json_extract(doc, %s)" % path(),
            lambda: "json_extract(doc, %s, %s)" % (path(), path()),
            lambda: "doc -> %s" % path(),
            lambda: "doc ->> %s" % path(),
            lambda: "doc -> %s" % r.choice(["'a'", "'b'", "0", "1", "'[0]'", "'1'", "-1"]),
            lambda: "doc ->> %s" % r.choice(["'a'", "'c'", "0", "2", "'x.y'"]),
            lambda: "json_type(doc, %s)" % path(),
            lambda: "json_type(doc)",
            lambda: "json_array_length(doc, %s)" % path(),
            lambda: "json_valid(doc)",
            lambda: "json(doc)",
            lambda: "json_set(doc, %s, %s)" % (edit_path(), value()),
            # Two edits as two calls: after an edit that appended to an
            # array, SQLite 3.40 applies a later path of the same call to
            # the wrong element (json_insert('[1,2,3]', '$[3].b', 5,
            # '$[2].x', 'x') gives [1,2,3,{"b":5,"x":"x"}]);
            # json_functions_test holds the one-call form.
            lambda: "json_insert(json_insert(doc, %s, %s), %s, %s)" % (
                edit_path(), value(), edit_path(), value()),
            lambda: "json_replace(doc, %s, %s)" % (edit_path(), value()),
            lambda: "json_remove(doc, %s)" % path(),
            lambda: "json_remove(doc, %s, %s)" % (path(), path()),
            lambda: "json_patch(doc, '%s')" % self.doc(2, True).replace("'", "''"),
            lambda: "json_array(%s, %s)" % (value(), value()),
            lambda: "json_object('p', %s, 'q', %s)" % (value(), value()),
            lambda: "json_quote(%s)" % value(),
        ]
        return r.choice(choices)()

    def setup(self):
        rows = []
        for k in range(1, 13):
            x = self.r.random()
            if x < 0.08:
                d = "NULL"
            elif x < 0.13:
                d = "'%s'" % self.r.choice(["{", "[1,]", "tru", "{\"a\" 1}"])
            else:
                d = "'%s'" % self.doc(3).replace("'", "''")
            rows.append("(%d, %s)" % (k, d))
        return ("CREATE TABLE j(k INTEGER PRIMARY KEY, doc TEXT);\n"
                "INSERT INTO j VALUES %s;\n" % ", ".join(rows))

    def each_query(self):
        """json_each / json_tree over each document, alone, joined,
        left-joined, grouped and in a subquery."""
        r = self.r
        fn = r.choice(["json_each", "json_tree"])
        path = r.choice(["", "", ", " + self.path()])
        # Below a root inside an array SQLite 3.40 writes fullkey and path
        # with the wrong index ($.b[0] for $.b[1]): json_tree's are read
        # only when its path names no array element.
        paths_comparable = fn == "json_each" or "[" not in path
        call = "%s(j.doc%s)" % (fn, path)
        where = r.choice([" WHERE json_valid(doc)", " WHERE json_valid(doc)", " WHERE k < 4", ""])
        k = r.random()
        fullkey = "e.fullkey" if paths_comparable else "NULL"
        if k < 0.5:
            path_cols = "e.fullkey, e.path" if paths_comparable else "NULL, NULL"
            return ("SELECT k, e.key, e.value, e.type, e.atom, e.id, e.parent, %s "
                    "FROM j, %s e%s" % (path_cols, call, where))
        if k < 0.7:
            on = r.choice(["", " ON e.atom IS NOT NULL", " ON e.type = 'integer'"])
            return ("SELECT k, count(e.key), count(e.value), max(%s), sum(e.id) "
                    "FROM j LEFT JOIN %s e%s%s GROUP BY k" % (fullkey, call, on, where))
        if k < 0.85:
            return ("SELECT e.type, count(*), sum(e.parent) FROM j, %s e%s GROUP BY e.type"
                    % (call, where))
        return ("SELECT k, (SELECT count(*) FROM %s WHERE atom IS NOT NULL) FROM j%s"
                % (call, where))

    def query(self):
        r = self.r
        if r.random() < 0.3:
            return self.each_query()
        if r.random() < 0.15:
            return ("SELECT k %% 3, json_group_array(%s), json_group_object(k, %s) FROM j "
                    "WHERE json_valid(doc) GROUP BY k %% 3" % (self.value(), self.value()))
        where = r.choice(["", " WHERE json_valid(doc)", " WHERE json_valid(doc)",
                          " WHERE doc ->> '$[0]' IS NOT NULL", " WHERE k < 4"])
        return "SELECT k, %s FROM j%s" % (", ".join(self.call() for _ in range(2)), where)


class CollateGenerator:
    """Collations: TEXT columns declared BINARY, NOCASE and RTRIM, some
    indexed (under their own collation or another), compared, grouped,
    deduplicated, joined and ordered with and without COLLATE clauses.
    Where SQLite's choice among equal values is unspecified (a group's
    value, min() of ties) only counts or folded values are compared."""

    VALUES = ["'a'", "'A'", "'a '", "'A '", "' a'", "'b'", "'B'", "'ab'", "'Ab'", "'aB '", "''",
              "' '", "'\u00e9'", "'\u00c9'", "NULL", "'10'", "'9'", "'Z'", "'_'"]
    COLUMNS = ["n", "r", "b"]  # NOCASE, RTRIM, BINARY

    def __init__(self, seed):
        self.r = random.Random(seed)

    def collate(self):
        return self.r.choice(["", "", "", " COLLATE NOCASE", " COLLATE RTRIM", " COLLATE BINARY"])

    def operand(self, table="c", column_only=False):
        r = self.r
        if column_only or r.random() < 0.65:
            return "%s.%s%s" % (table, r.choice(self.COLUMNS), self.collate())
        return "%s%s" % (r.choice(self.VALUES), self.collate())

    def predicate(self):
        r = self.r
        k = r.random()
        if k < 0.55:
            return "%s %s %s" % (self.operand(), r.choice(["=", "<>", "<", "<=", ">", ">=", "IS"]),
                                 self.operand())
        if k < 0.7:
            return "%s IN (%s)" % (self.operand(), ", ".join(r.choice(self.VALUES)
                                                              for _ in range(r.randint(1, 3))))
        if k < 0.85:
            return "%s BETWEEN %s AND %s" % (self.operand(), self.operand(), self.operand())
        # The subquery's column without COLLATE: SQLite 3.40 then and there
        # compares under x's collation when x is indexed (and can repeat
        # rows), though its documented rule is x = y's.
        return "%s IN (SELECT s.%s FROM c AS s WHERE s.k %% 2 = %d)" % (
            self.operand(), r.choice(self.COLUMNS), r.randint(0, 1))

    def setup(self):
        r = self.r
        lines = ["CREATE TABLE c(k INTEGER PRIMARY KEY, n TEXT COLLATE NOCASE, "
                 "r TEXT COLLATE RTRIM, b TEXT);"]
        for i in range(12):
            lines.append("INSERT INTO c VALUES (%d, %s, %s, %s);" % (
                i, r.choice(self.VALUES), r.choice(self.VALUES), r.choice(self.VALUES)))
        for i, col in enumerate(self.COLUMNS):
            if r.random() < 0.5:
                lines.append("CREATE INDEX c_%d ON c(%s%s);" % (i, col, self.collate()))
        return "\n".join(lines) + "\n"

    def query(self):
        r = self.r
        col = r.choice(self.COLUMNS) + self.collate()
        k = r.random()
        if k < 0.4:
            return "SELECT k FROM c WHERE %s" % self.predicate()
        if k < 0.5:
            return "SELECT count(*), count(DISTINCT %s) FROM c WHERE %s" % (col, self.predicate())
        if k < 0.6:
            return "SELECT lower(rtrim(%s)), count(*) FROM c GROUP BY %s" % (col, col)
        if k < 0.67:
            return "SELECT count(*) FROM (SELECT DISTINCT %s FROM c)" % col
        if k < 0.75:
            # Columns only: SQLite 3.40 propagates `x.b COLLATE RTRIM = 'A'`
            # in a join as x.b = 'A', dropping the collation (wrong rows).
            # Without automatic indexes: SQLite 3.40 builds one on y's
            # column under y's collation where the comparison's is x's,
            # and misses rows (Tessera ignores the pragma).
            return "PRAGMA automatic_index=OFF; SELECT x.k, y.k FROM c AS x JOIN c AS y ON %s = %s" % (
                self.operand("x", True), self.operand("y", True))
        if k < 0.82:
            return "SELECT count(*) FROM (SELECT %s FROM c %s SELECT %s FROM c)" % (
                col, r.choice(["UNION", "INTERSECT", "EXCEPT"]), r.choice(self.COLUMNS))
        if k < 0.9:
            return "SELECT k FROM (SELECT k FROM c ORDER BY %s%s, k LIMIT %d)" % (
                col, r.choice(["", " DESC"]), r.randint(1, 6))
        if k < 0.95:
            return "SELECT k, row_number() OVER (PARTITION BY %s ORDER BY k) FROM c" % col
        return "SELECT lower(rtrim(min(%s))), lower(rtrim(max(%s))) FROM c" % (col, col)


class ForeignKeyGenerator:
    """Foreign keys enforced (PRAGMA foreign_keys=ON before every statement):
    a parent, a child with two keys (to the parent's INTEGER PRIMARY KEY and
    to its UNIQUE column) under random ON DELETE / ON UPDATE actions, a
    grandchild that cascades, and a table that references itself. Each
    query is one write followed by a SELECT of every table, so a write that
    one side refuses and the other takes shows as a difference."""

    ACTIONS = ["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]

    def __init__(self, seed):
        self.r = random.Random(seed)

    def key(self):
        return str(self.r.randint(0, 7))

    def setup(self):
        r = self.r
        act = lambda: r.choice(self.ACTIONS)
        lines = [
            "CREATE TABLE p(id INTEGER PRIMARY KEY, u INTEGER UNIQUE);",
            "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER DEFAULT 0 REFERENCES p(id) "
            "ON DELETE %s ON UPDATE %s, pu INTEGER REFERENCES p(u) ON DELETE %s ON UPDATE %s);"
            % (act(), act(), act(), act()),
            "CREATE TABLE g(id INTEGER PRIMARY KEY, cid INTEGER REFERENCES c(id) ON DELETE %s);"
            % r.choice(["CASCADE", "SET NULL", "NO ACTION"]),
            "CREATE TABLE s(id INTEGER PRIMARY KEY, up INTEGER REFERENCES s(id) ON DELETE %s);"
            % r.choice(["CASCADE", "SET NULL", "NO ACTION"]),
        ]
        for i in range(5):
            lines.append("INSERT INTO p VALUES (%d, %d);" % (i, 10 + i))
        for i in range(6):
            lines.append("INSERT INTO c VALUES (%d, %d, %s);" % (i, r.randint(0, 4),
                                                              r.choice(["NULL", "10", "11", "12"])))
        for i in range(4):
            lines.append("INSERT INTO g VALUES (%d, %d);" % (i, r.randint(0, 5)))
        lines.append("INSERT INTO s VALUES (1, NULL), (2, 1), (3, 2), (4, 1), (5, 4);")
        return "\n".join(lines) + "\n"

    def write(self):
        r = self.r
        k = self.key
        return r.choice([
            "INSERT INTO p VALUES (%s, %s)" % (k(), 10 + int(k())),
            "INSERT OR REPLACE INTO p VALUES (%s, %s)" % (k(), 10 + int(k())),
            "INSERT INTO c VALUES (%d, %s, %s)" % (r.randint(6, 30), k(), r.choice(["NULL", "10", "13", "17"])),
            "INSERT INTO c(id, pu) VALUES (%d, NULL)" % r.randint(6, 30),
            "INSERT INTO g VALUES (%d, %s)" % (r.randint(4, 30), k()),
            "INSERT INTO s VALUES (%d, %s)" % (r.randint(6, 30), r.choice(["NULL", k()])),
            "DELETE FROM p WHERE id = %s" % k(),
            "DELETE FROM p WHERE id >= %s" % k(),
            "DELETE FROM c WHERE id = %s" % k(),
            "DELETE FROM s WHERE id = %s" % k(),
            "UPDATE p SET id = id + 10 WHERE id = %s" % k(),
            "UPDATE p SET u = u + 1 WHERE id = %s" % k(),
            "UPDATE p SET u = NULL WHERE id = %s" % k(),
            "UPDATE c SET pid = %s WHERE id = %s" % (k(), k()),
            "UPDATE c SET pu = %s WHERE id = %s" % (r.choice(["NULL", "10", "14", "19"]), k()),
            "UPDATE s SET up = %s WHERE id = %s" % (k(), k()),
        ])

    def query(self):
        # One write, then every table (the write's own output, none in
        # SQLite's shell, is not compared).
        return ("PRAGMA foreign_keys=ON; %s; SELECT 'p', id, u FROM p UNION ALL "
                "SELECT 'c', id, coalesce(pid, -1) * 100 + coalesce(pu, -1) FROM c UNION ALL "
                "SELECT 'g', id, cid FROM g UNION ALL SELECT 's', id, up FROM s" % self.write())


NUMERIC_VALUES = ["5", "5.0", "-0.0", "5.5", "'5'", "'5.0'", "' 7 '", "'3.0e2'", "'abc'",
                  "'12abc'", "x'3132'", "NULL", "1e19", "9223372036854775807", "'0x10'", "2",
                  "2.0", "'2'", "300", "99.99", "-3", "'-3.5'"]


class NumericGenerator:
    """Columns without a type and with NUMERIC affinity (NUMERIC, DECIMAL,
    DATETIME) holding numbers, numeric text and other text: what each
    stores, and comparisons, IN lists and BETWEEN on them, with and without
    indexes (table nx has them, n has none). CASTs to NUMERIC."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def setup(self):
        r = self.r
        cols = "(k INTEGER PRIMARY KEY, u, m NUMERIC, d DECIMAL(8,2), w DATETIME)"
        rows = ["INSERT INTO n VALUES (%d, %s);" % (i, ", ".join(r.choice(NUMERIC_VALUES)
                                                                for _ in range(4)))
                for i in range(24)]
        return "\n".join(["CREATE TABLE n%s;" % cols, "CREATE TABLE nx%s;" % cols] + rows + [
            "INSERT INTO nx SELECT * FROM n;", "CREATE INDEX nxu ON nx(u);",
            "CREATE INDEX nxm ON nx(m DESC);", "CREATE INDEX nxd ON nx(d, u);",
            "CREATE INDEX nxw ON nx(w);",
            # Unique keys without a type and with NUMERIC affinity: 5 and
            # 5.0 are one key.
            "CREATE TABLE q(u UNIQUE, m NUMERIC PRIMARY KEY) WITHOUT ROWID;"]) + "\n"

    def predicate(self):
        r = self.r
        c, v = r.choice(["u", "m", "d", "w"]), lambda: r.choice(NUMERIC_VALUES)
        k = r.random()
        if k < 0.45:
            op = r.choice(["=", "<", "<=", ">", ">=", "<>", "IS"])
            return "%s %s %s" % (c, op, v()) if r.random() < 0.8 else "%s %s %s" % (v(), op, c)
        if k < 0.65:
            return "%s %sIN (%s)" % (c, r.choice(["", "", "NOT "]),
                                     ", ".join(v() for _ in range(r.randint(1, 4))))
        if k < 0.8:
            return "%s BETWEEN %s AND %s" % (c, v(), v())
        if k < 0.9:
            return "%s = %s" % (c, r.choice(["u", "m", "d", "w"]))
        return "(%s) OR (%s)" % (self.predicate(), self.predicate())

    def write(self):
        r = self.r
        v = lambda: r.choice([x for x in NUMERIC_VALUES if x != "NULL"])
        k = r.random()
        if k < 0.4:
            return "INSERT OR IGNORE INTO q VALUES (%s, %s)" % (v(), v())
        if k < 0.55:
            return "INSERT OR REPLACE INTO q VALUES (%s, %s)" % (v(), v())
        if k < 0.7:
            # One row (m is the key): which of several rows keeps a value
            # both want depends on the order they are visited in.
            return "UPDATE OR IGNORE q SET u = %s WHERE m = %s" % (v(), v())
        # The same write to the table with indexes and the one without.
        p, c, value = self.predicate(), r.choice(["u", "m", "d", "w"]), r.choice(NUMERIC_VALUES)
        return "UPDATE n SET %s = %s WHERE %s; UPDATE nx SET %s = %s WHERE %s" % (
            c, value, p, c, value, p)

    def query(self):
        r = self.r
        if r.random() < 0.1:
            # A write, then every table.
            return ("%s; SELECT 'q', typeof(u), iif(typeof(u) = 'blob', hex(u), u), typeof(m), "
                    "iif(typeof(m) = 'blob', hex(m), m) FROM q UNION ALL "
                    "SELECT 'n', k, typeof(m), iif(typeof(m) = 'blob', hex(m), m), typeof(u) "
                    "FROM n UNION ALL SELECT 'nx', k, typeof(m), "
                    "iif(typeof(m) = 'blob', hex(m), m), typeof(u) FROM nx" % self.write())
        if r.random() < 0.15:
            v = r.choice(NUMERIC_VALUES)
            return "SELECT CAST(%s AS %s), typeof(CAST(%s AS NUMERIC))" % (
                v, r.choice(["NUMERIC", "DECIMAL(5,1)", "DATETIME"]), v)
        c = r.choice(["u", "m", "d", "w"])
        # BLOBs as hex: the two shells write them differently.
        return "SELECT k, typeof(%s), iif(typeof(%s) = 'blob', hex(%s), %s) FROM %s WHERE %s" % (
            c, c, c, c, r.choice(["n", "nx"]), self.predicate())


class TriggerGenerator:
    """Writes that fire triggers: BEFORE and AFTER triggers (WHEN, UPDATE OF,
    RAISE(IGNORE) and RAISE(ABORT))
    whose bodies write other tables and so fire their triggers, INSTEAD OF
    triggers on a view, upserts, OR REPLACE / OR IGNORE, and every table
    compared after each write, with the numbers triggers gave its rows (so
    the order triggers ran in counts). One trigger at most per table, event
    and timing."""

    TRIGGERS = [
        "CREATE TRIGGER a_bi BEFORE INSERT ON a BEGIN INSERT INTO log(what) VALUES ('bi ' || NEW.id); END",
        "CREATE TRIGGER a_ai AFTER INSERT ON a WHEN NEW.v > 3 BEGIN "
        "INSERT INTO b(a_id, note) VALUES (NEW.id, 'big ' || NEW.v); END",
        "CREATE TRIGGER a_bu BEFORE UPDATE OF v ON a BEGIN "
        "INSERT INTO log(what) VALUES ('bu ' || OLD.v || '>' || NEW.v); END",
        "CREATE TRIGGER a_au AFTER UPDATE ON a WHEN NEW.v <> OLD.v BEGIN "
        "UPDATE b SET note = note || '*' WHERE a_id = NEW.id; END",
        "CREATE TRIGGER a_bd BEFORE DELETE ON a BEGIN DELETE FROM b WHERE a_id = OLD.id; END",
        "CREATE TRIGGER a_ad AFTER DELETE ON a BEGIN INSERT INTO log(what) VALUES ('ad ' || OLD.id); END",
        "CREATE TRIGGER b_ai AFTER INSERT ON b BEGIN "
        "UPDATE a SET w = coalesce(w, '') || 'b' WHERE id = NEW.a_id; END",
        "CREATE TRIGGER b_ad AFTER DELETE ON b BEGIN "
        "INSERT INTO log(what) VALUES ('b- ' || OLD.a_id || ' ' || OLD.note); END",
        "CREATE TRIGGER log_ai AFTER INSERT ON log WHEN NEW.what LIKE 'ad %' BEGIN "
        "INSERT INTO b(a_id, note) VALUES (-1, NEW.what); END",
        "CREATE TRIGGER av_ii INSTEAD OF INSERT ON av BEGIN "
        "INSERT INTO a(id, v) VALUES (NEW.id, coalesce(NEW.v, 0) + 100); END",
        "CREATE TRIGGER av_iu INSTEAD OF UPDATE OF v ON av BEGIN "
        "UPDATE a SET v = NEW.v WHERE id = OLD.id; END",
        "CREATE TRIGGER av_id INSTEAD OF DELETE ON av WHEN OLD.nb = 0 BEGIN "
        "DELETE FROM a WHERE id = OLD.id; END",
        "CREATE TRIGGER b_bi BEFORE INSERT ON b WHEN NEW.note LIKE '%7' BEGIN "
        "INSERT INTO log(what) VALUES ('no ' || NEW.note); SELECT RAISE(IGNORE); END",
        "CREATE TRIGGER b_bu BEFORE UPDATE ON b WHEN length(NEW.note) > 6 BEGIN "
        "SELECT RAISE(ABORT, 'note too long'); END",
    ]

    def __init__(self, seed):
        self.r = random.Random(seed)

    def setup(self):
        r = self.r
        chosen = [t for t in self.TRIGGERS if r.random() < 0.7]
        rows = ["INSERT INTO a(id, v) VALUES (%d, %d);" % (i, r.randint(0, 6)) for i in range(1, 7)]
        return "\n".join(
            ["CREATE TABLE a(id INTEGER PRIMARY KEY, v INTEGER, w TEXT);",
             "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER, note TEXT);",
             "CREATE TABLE log(seq INTEGER PRIMARY KEY, what TEXT);",
             "CREATE VIEW av AS SELECT a.id, a.v, count(b.id) AS nb FROM a "
             "LEFT JOIN b ON b.a_id = a.id GROUP BY a.id;"] +
            [t + ";" for t in chosen] + rows) + "\n"

    def write(self):
        r = self.r
        k, v = lambda: r.randint(0, 9), lambda: r.randint(-2, 8)
        return r.choice([
            lambda: "INSERT INTO a(id, v) VALUES (%d, %d)" % (k(), v()),
            lambda: "INSERT INTO a(id, v) VALUES (%d, %d) ON CONFLICT(id) DO UPDATE SET v = "
                    "excluded.v + v" % (k(), v()),
            lambda: "INSERT INTO a(id, v) VALUES (%d, %d) ON CONFLICT DO NOTHING" % (k(), v()),
            lambda: "INSERT OR REPLACE INTO a(id, v) VALUES (%d, %d)" % (k(), v()),
            lambda: "INSERT OR IGNORE INTO a(id, v) VALUES (%d, %d)" % (k(), v()),
            lambda: "UPDATE a SET v = v + %d WHERE id %% 3 = %d" % (v(), r.randint(0, 2)),
            lambda: "UPDATE a SET w = 'u' WHERE v > %d" % v(),
            lambda: "DELETE FROM a WHERE v > %d" % v(),
            lambda: "DELETE FROM a WHERE id = %d" % k(),
            lambda: "INSERT INTO b(a_id, note) VALUES (%d, 'n%d')" % (k(), v()),
            lambda: "DELETE FROM b WHERE a_id = %d" % k(),
            lambda: "INSERT INTO av(id, v) VALUES (%d, %d)" % (k(), v()),
            lambda: "UPDATE av SET v = %d WHERE nb %s 0" % (v(), r.choice(["=", ">"])),
            lambda: "DELETE FROM av WHERE v < %d" % v(),
        ])()

    def query(self):
        # A failed write takes back all it did, its triggers' writes too.
        return ("%s; SELECT 'a', id, v, w FROM a UNION ALL SELECT 'b', id, a_id, note FROM b "
                "UNION ALL SELECT 'log', seq, what, NULL FROM log" % self.write())


# The modes besides the default (integer) one: flag -> generator and help.
MODES = {
    "text": (TextGenerator, "TEXT columns and string functions"),
    "dates": (DateGenerator, "date and time functions"),
    "windows": (WindowGenerator, "window functions"),
    "collate": (CollateGenerator, "NOCASE and RTRIM collations"),
    "foreign_keys": (ForeignKeyGenerator, "foreign keys enforced: actions, checks, cascades"),
    "json": (JsonGenerator, "JSON functions, the -> and ->> operators, json_each and json_tree"),
    "numeric": (NumericGenerator, "untyped and NUMERIC-affinity columns, indexed and not"),
    "triggers": (TriggerGenerator, "triggers firing triggers, INSTEAD OF on a view, upserts"),
}


def normalize(row):
    # sqlite3 -csv prints NULL as an empty field (a one-column row of it as
    # an empty line); both print integral REALs differently.
    out = []
    for v in row or [""]:
        if v in ("", "NULL"):
            out.append("NULL")
            continue
        try:
            f = float(v)
            out.append(str(int(f)) if f == int(f) and abs(f) < 1e15 else "%.6g" % f)
        except ValueError:
            out.append(v)
    return tuple(out)


def run(cmd, text):
    p = subprocess.run(cmd, input=text, text=True, capture_output=True)
    failed = p.returncode != 0 or "ERROR" in p.stderr or "Error" in p.stderr
    return failed, p.stdout, p.stderr


def check_seed(seed, queries, tessera, work, text):
    gen = MODES[text][0](seed) if text else Generator(seed)
    setup = gen.setup()
    store, db = os.path.join(work, "tessera-%d" % seed), os.path.join(work, "sqlite-%d.db" % seed)
    if run([tessera, "sql", "--store", store], setup)[0] or run(["sqlite3", db], setup)[0]:
        raise RuntimeError("setup failed for seed %d" % seed)
    differences = 0
    for _ in range(queries):
        q = gen.query() + ";"
        t_failed, t_out, t_err = run([tessera, "sql", "--store", store, "--format", "csv"], q)
        s_failed, s_out, s_err = run(["sqlite3", "-csv", db], q)
        # The shell's count of changed rows (a write before the SELECT) is
        # not a row; SQLite's shell prints none.
        t_out = "".join(l for l in t_out.splitlines(True)
                        if not re.fullmatch(r"\d+ rows? affected\n?", l))
        t_rows = sorted(normalize(r) for r in list(csv.reader(io.StringIO(t_out)))[1:])
        s_rows = sorted(normalize(r) for r in csv.reader(io.StringIO(s_out)))
        same = t_failed == s_failed and (t_failed or t_rows == s_rows)
        if not same:
            differences += 1
            print("seed %d differs: %s" % (seed, q))
            print("  tessera: %s" % (t_err.strip()[:200] if t_failed else t_rows[:8]))
            print("  sqlite:  %s" % (s_err.strip()[:200] if s_failed else s_rows[:8]))
    return differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1-10", help="a range like 1-10")
    parser.add_argument("--queries", type=int, default=200, help="queries per seed")
    parser.add_argument("--tessera", default="bazel-bin/tessera")
    for mode, (_, help_text) in MODES.items():
        parser.add_argument("--" + mode.replace("_", "-"), dest="mode", action="store_const",
                            const=mode, help=help_text)
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    if shutil.which("sqlite3") is None:
        sys.exit("sqlite3 is not installed (apt-get install sqlite3)")
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    total = 0
    with tempfile.TemporaryDirectory(prefix="tessera-sqlite-diff-") as work:
        for seed in seeds:
            total += check_seed(seed, args.queries, args.tessera, work, args.mode)
    print("%d queries, %d differences" % (len(seeds) * args.queries, total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
