// Tessera's SQL grammar: the SQLite core that sqllogictest exercises, with
// PostgreSQL-style parameters, plus Tessera's range statements.
// Generated at build time (see BUILD); parser/transformer.cc turns the parse
// tree into our AST, so no ANTLR type leaves parser/.

grammar SQL;

// ---------------------------------------------------------------- statements

script : SCOL* ( statement ( SCOL+ statement )* SCOL* )? EOF ;

standalone_expr : expr EOF ;

statement
  : explain_stmt
  | select_stmt
  | insert_stmt
  | update_stmt
  | delete_stmt
  | create_table_stmt
  | create_index_stmt
  | create_view_stmt
  | create_trigger_stmt
  | drop_stmt
  | alter_table_stmt
  | reindex_stmt
  | begin_stmt
  | commit_stmt
  | rollback_stmt
  | savepoint_stmt
  | release_stmt
  | show_stmt
  | pragma_stmt
  | analyze_stmt
  | vacuum_stmt
  ;

// ANALYZE [[schema.]name]: accepted; the planner reads table sizes from
// the ranges, so there are no statistics to gather.
analyze_stmt : K_ANALYZE ( name ( DOT name )? )? ;

// VACUUM [schema] [INTO 'directory']: collects old row versions now, or
// writes a compacted copy of the store.
vacuum_stmt : K_VACUUM name? ( K_INTO STRING_LITERAL )? ;

// PRAGMA [schema.]name [= value | (value)]: SQLite's settings and schema
// queries; the ones Tessera does not know are ignored, as SQLite does.
pragma_stmt
  : K_PRAGMA ( schema=name DOT )? pragma=name
    ( ASSIGN pragma_value | OPEN_PAR pragma_value CLOSE_PAR )?
  ;

pragma_value
  : signed_number | literal_value | name | K_ON | K_DELETE | K_FULL | K_EXCLUSIVE | K_DEFAULT ;

// EXPLAIN QUERY PLAN is SQLite's spelling of the same.
explain_stmt : K_EXPLAIN ( K_ANALYZE | K_QUERY K_PLAN )? statement ;

begin_stmt : K_BEGIN ( K_DEFERRED | K_IMMEDIATE | K_EXCLUSIVE )? K_TRANSACTION? ;
commit_stmt : ( K_COMMIT | K_END ) K_TRANSACTION? ;
rollback_stmt : K_ROLLBACK K_TRANSACTION? ( K_TO K_SAVEPOINT? name )? ;
savepoint_stmt : K_SAVEPOINT name ;
release_stmt : K_RELEASE K_SAVEPOINT? name ;

show_stmt
  : K_SHOW K_TABLES                           # show_tables
  | K_SHOW K_RANGES K_FROM K_TABLE name       # show_ranges
  | K_SHOW K_INDEXES ( K_FROM name )?         # show_indexes
  | K_SHOW K_CREATE K_TABLE name              # show_create
  | K_SHOW K_SCHEMA                           # show_schema
  ;

create_table_stmt
  : K_CREATE ( K_TEMP | K_TEMPORARY )? K_TABLE ( K_IF K_NOT K_EXISTS )? schema_prefix? name
    ( OPEN_PAR column_def ( COMMA column_def )* ( COMMA table_constraint )* CLOSE_PAR
      ( table_option ( COMMA table_option )* )?
    | K_AS select_stmt )
  ;

// WITHOUT ROWID, STRICT (the words are checked when the AST is built).
table_option : K_WITHOUT name | name ;

column_def : name type_name? column_constraint* ;

// GENERATED and ALWAYS may name things but not be words of a type, so
// that `b INT GENERATED ALWAYS AS (...)` has the type INT.
type_name : type_word+ ( OPEN_PAR signed_number ( COMMA signed_number )? CLOSE_PAR )? ;

column_constraint : ( K_CONSTRAINT name )? column_constraint_body ;

column_constraint_body
  : K_PRIMARY K_KEY ( K_ASC | K_DESC )? K_AUTOINCREMENT?                  # cc_primary_key
  | K_NOT K_NULL                                                          # cc_not_null
  | K_NULL                                                                # cc_null
  | K_UNIQUE                                                              # cc_unique
  | K_CHECK OPEN_PAR expr CLOSE_PAR                                       # cc_check
  | K_DEFAULT ( signed_number | literal_value | OPEN_PAR expr CLOSE_PAR | name )  # cc_default
  | K_COLLATE name                                                        # cc_collate
  | foreign_key_clause                                                    # cc_references
  | ( K_GENERATED K_ALWAYS )? K_AS OPEN_PAR expr CLOSE_PAR ( K_STORED | K_VIRTUAL )?  # cc_generated
  ;

table_constraint : ( K_CONSTRAINT name )? table_constraint_body ;

table_constraint_body
  : K_PRIMARY K_KEY OPEN_PAR indexed_column ( COMMA indexed_column )* CLOSE_PAR  # tc_primary_key
  | K_UNIQUE OPEN_PAR indexed_column ( COMMA indexed_column )* CLOSE_PAR         # tc_unique
  | K_CHECK OPEN_PAR expr CLOSE_PAR                                              # tc_check
  | K_FOREIGN K_KEY OPEN_PAR name ( COMMA name )* CLOSE_PAR foreign_key_clause   # tc_foreign_key
  ;

foreign_key_clause
  : K_REFERENCES name ( OPEN_PAR name ( COMMA name )* CLOSE_PAR )?
    ( K_ON ( K_DELETE | K_UPDATE )
        ( K_SET K_NULL | K_SET K_DEFAULT | K_CASCADE | K_RESTRICT | K_NO K_ACTION )
    | K_MATCH ( name | K_FULL ) )*
    ( K_NOT? K_DEFERRABLE ( K_INITIALLY ( K_DEFERRED | K_IMMEDIATE ) )? )?
  ;

indexed_column : name ( K_COLLATE collation=name )? ( K_ASC | K_DESC )? ;

create_index_stmt
  : K_CREATE K_UNIQUE? K_INDEX ( K_IF K_NOT K_EXISTS )? schema_prefix? name K_ON name
    OPEN_PAR index_key ( COMMA index_key )* CLOSE_PAR ( K_WHERE expr )?
  ;

// A column, or an expression over the table's columns (CREATE INDEX only).
index_key : indexed_column | expr ( K_ASC | K_DESC )? ;

create_view_stmt
  : K_CREATE ( K_TEMP | K_TEMPORARY )? K_VIEW ( K_IF K_NOT K_EXISTS )? schema_prefix? name
    ( OPEN_PAR name ( COMMA name )* CLOSE_PAR )? K_AS select_stmt
  ;

create_trigger_stmt
  : K_CREATE ( K_TEMP | K_TEMPORARY )? K_TRIGGER ( K_IF K_NOT K_EXISTS )? schema_prefix? name
    ( K_BEFORE | K_AFTER | K_INSTEAD K_OF )?
    ( K_DELETE | K_INSERT | K_UPDATE ( K_OF name ( COMMA name )* )? )
    K_ON name ( K_FOR K_EACH K_ROW )? ( K_WHEN expr )?
    K_BEGIN ( trigger_body_stmt SCOL )+ K_END
  ;

trigger_body_stmt : select_stmt | insert_stmt | update_stmt | delete_stmt ;

drop_stmt
  : K_DROP object=( K_TABLE | K_INDEX | K_VIEW | K_TRIGGER ) ( K_IF K_EXISTS )? schema_prefix? name
  ;

alter_table_stmt
  : K_ALTER K_TABLE schema_prefix? name K_ADD K_COLUMN? column_def                          # alter_add_column
  | K_ALTER K_TABLE schema_prefix? table=name K_RENAME K_TO to=name                          # alter_rename_table
  | K_ALTER K_TABLE schema_prefix? table=name K_RENAME K_COLUMN? column=name K_TO to=name    # alter_rename_column
  | K_ALTER K_TABLE schema_prefix? table=name K_DROP K_COLUMN? column=name                   # alter_drop_column
  | K_ALTER K_TABLE name K_SPLIT K_AT K_VALUES value_row ( COMMA value_row )*  # alter_split
  ;

reindex_stmt : K_REINDEX name? ;

insert_stmt
  : with_clause? ( K_INSERT ( K_OR conflict=( K_REPLACE | K_IGNORE | K_ABORT | K_FAIL | K_ROLLBACK ) )? | K_REPLACE )
    K_INTO schema_prefix? name ( OPEN_PAR name ( COMMA name )* CLOSE_PAR )?
    ( K_VALUES value_row ( COMMA value_row )* | select_stmt | K_DEFAULT K_VALUES )
    upsert_clause* returning_clause?
  ;

value_row : OPEN_PAR expr ( COMMA expr )* CLOSE_PAR ;

upsert_clause
  : K_ON K_CONFLICT ( OPEN_PAR name ( COMMA name )* CLOSE_PAR )?
    K_DO ( K_NOTHING | K_UPDATE K_SET assignment ( COMMA assignment )* ( K_WHERE expr )? )
  ;

assignment
  : name ASSIGN expr
  | OPEN_PAR name ( COMMA name )* CLOSE_PAR ASSIGN expr  // SET (a, b) = (x, y)
  ;

update_stmt
  : with_clause? K_UPDATE ( K_OR conflict=( K_REPLACE | K_IGNORE | K_ABORT | K_FAIL | K_ROLLBACK ) )? schema_prefix? name
    K_SET assignment ( COMMA assignment )* ( K_FROM join_clause )? ( K_WHERE expr )?
    returning_clause?
  ;

delete_stmt : with_clause? K_DELETE K_FROM schema_prefix? name ( K_WHERE expr )? returning_clause? ;

// main. or temp. before an object's name, as SQLite has them.
schema_prefix : name DOT ;

// The rows an INSERT, UPDATE or DELETE changed, as they were written (as
// they were, for DELETE).
returning_clause : K_RETURNING result_column ( COMMA result_column )* ;

// ------------------------------------------------------------------- SELECT

select_stmt
  : with_clause? select_core ( compound_operator select_core )*
    ( K_ORDER K_BY ordering_term ( COMMA ordering_term )* )?
    ( K_LIMIT expr ( ( K_OFFSET | COMMA ) expr )? )?
  ;

with_clause : K_WITH K_RECURSIVE? common_table_expression ( COMMA common_table_expression )* ;

common_table_expression
  : name ( OPEN_PAR name ( COMMA name )* CLOSE_PAR )? K_AS OPEN_PAR select_stmt CLOSE_PAR
  ;

compound_operator
  : K_UNION K_ALL?
  | K_INTERSECT
  | K_EXCEPT
  ;

select_core
  : K_SELECT ( K_DISTINCT | K_ALL )? result_column ( COMMA result_column )*
    ( K_FROM join_clause )?
    ( K_WHERE where=expr )?
    ( K_GROUP K_BY expr ( COMMA expr )* )? ( K_HAVING having=expr )?
    ( K_WINDOW window_def ( COMMA window_def )* )?                      # select_simple
  | K_VALUES value_row ( COMMA value_row )*                            # select_values
  ;

result_column
  : STAR                          # result_star
  | name DOT STAR                 # result_table_star
  | expr ( K_AS? alias=name )?    # result_expr
  ;

join_clause : table_or_subquery ( join_operator table_or_subquery join_constraint? )* ;

join_operator
  : COMMA
  | K_NATURAL? ( K_LEFT K_OUTER? | K_RIGHT K_OUTER? | K_FULL K_OUTER? | K_INNER | K_CROSS )? K_JOIN
  ;

join_constraint
  : K_ON expr
  | K_USING OPEN_PAR name ( COMMA name )* CLOSE_PAR
  ;

table_or_subquery
  : name OPEN_PAR ( expr ( COMMA expr )* )? CLOSE_PAR ( K_AS? alias=name )?  # table_function
  | schema_prefix? name ( K_AS? alias=name )? ( K_INDEXED K_BY index=name | K_NOT K_INDEXED )?  # table_name_ref
  | OPEN_PAR select_stmt CLOSE_PAR ( K_AS? alias=name )?      # table_subquery
  | OPEN_PAR join_clause CLOSE_PAR                            # table_nested_join
  ;

ordering_term : expr ( K_ASC | K_DESC )? ( K_NULLS ( K_FIRST | K_LAST ) )? ;

// An aggregate's FILTER (WHERE ...): only rows it holds for are folded.
filter_clause : K_FILTER OPEN_PAR K_WHERE expr CLOSE_PAR ;

// Window functions, as SQLite has them.
over_clause : K_OVER ( window=name | OPEN_PAR window_spec CLOSE_PAR ) ;

window_def : window=name K_AS OPEN_PAR window_spec CLOSE_PAR ;

window_spec
  : base=name? ( K_PARTITION K_BY expr ( COMMA expr )* )?
    ( K_ORDER K_BY ordering_term ( COMMA ordering_term )* )? frame_spec?
  ;

frame_spec
  : unit=( K_RANGE | K_ROWS | K_GROUPS )
    ( K_BETWEEN start=frame_bound K_AND end=frame_bound | start=frame_bound )
    ( K_EXCLUDE ( K_NO K_OTHERS | K_CURRENT K_ROW | K_GROUP | K_TIES ) )?
  ;

frame_bound
  : K_UNBOUNDED K_PRECEDING        # frame_unbounded_preceding
  | K_UNBOUNDED K_FOLLOWING        # frame_unbounded_following
  | K_CURRENT K_ROW                # frame_current_row
  | expr K_PRECEDING               # frame_preceding
  | expr K_FOLLOWING               # frame_following
  ;

// -------------------------------------------------------------- expressions
// One rule per precedence level, loosest first, as in SQLite: OR, AND, NOT,
// = == != <> IS IN LIKE GLOB BETWEEN, < <= > >=, << >> & |, + -, * / %, ||,
// unary. BETWEEN's bounds are comparison-level expressions, so in
// "a BETWEEN 1 AND 2 AND b" the second AND is a conjunction.

expr : or_expr ;

or_expr : and_expr ( K_OR and_expr )* ;

and_expr : not_expr ( K_AND not_expr )* ;

not_expr
  : K_NOT not_expr
  | equality_expr
  ;

equality_expr : comparison_expr equality_tail* ;

equality_tail
  : op=( ASSIGN | EQ | NOT_EQ1 | NOT_EQ2 ) comparison_expr                      # tail_equal
  | K_IS K_NOT? ( K_DISTINCT K_FROM )? comparison_expr                           # tail_is
  | K_NOT? K_BETWEEN comparison_expr K_AND comparison_expr                      # tail_between
  | K_NOT? K_IN OPEN_PAR ( select_stmt | expr ( COMMA expr )* )? CLOSE_PAR      # tail_in
  | K_NOT? K_IN name                                                            # tail_in_table
  | K_NOT? op=( K_LIKE | K_GLOB ) comparison_expr ( K_ESCAPE comparison_expr )? # tail_like
  | ( K_ISNULL | K_NOTNULL | K_NOT K_NULL )                                     # tail_null
  ;

comparison_expr : bit_expr ( ops+=( LT | LT_EQ | GT | GT_EQ ) bit_expr )* ;

bit_expr : add_expr ( ops+=( LT2 | GT2 | AMP | PIPE ) add_expr )* ;

add_expr : mul_expr ( ops+=( PLUS | MINUS ) mul_expr )* ;

mul_expr : concat_expr ( ops+=( STAR | DIV | MOD ) concat_expr )* ;

concat_expr : unary_expr ( ops+=( PIPE2 | ARROW2 | ARROW ) unary_expr )* ;

unary_expr
  : op=( MINUS | PLUS | TILDE ) unary_expr
  | primary ( K_COLLATE collation=name )?
  ;

primary
  : literal_value                                                       # e_literal
  | parameter                                                           # e_parameter
    // RAISE(...) in a trigger program; before e_function, which `raise`
    // (a keyword usable as a name) would match too.
  | K_RAISE OPEN_PAR ( K_IGNORE | action=( K_ROLLBACK | K_ABORT | K_FAIL ) COMMA
    message=STRING_LITERAL ) CLOSE_PAR                                  # e_raise
  | func=name OPEN_PAR ( ( K_DISTINCT | K_ALL )? expr ( COMMA expr )* | STAR )? CLOSE_PAR
    filter_clause? over_clause?                                         # e_function
    // like(P, X [, E]) and glob(P, X): SQLite's function forms of X LIKE P.
  | op=( K_LIKE | K_GLOB ) OPEN_PAR expr COMMA expr ( COMMA expr )? CLOSE_PAR  # e_like_call
  | ( table=name DOT )? column=name                                     # e_column
    // (x), or the row value (x, y, ...): one alternative, so that nested
    // parentheses need no look-ahead to the closing one.
  | OPEN_PAR expr ( COMMA expr )* CLOSE_PAR                             # e_paren
  | OPEN_PAR select_stmt CLOSE_PAR                                      # e_subquery
  | K_EXISTS OPEN_PAR select_stmt CLOSE_PAR                             # e_exists
  | K_CASE operand=expr? case_when+ ( K_ELSE else_expr=expr )? K_END    # e_case
  | K_CAST OPEN_PAR expr K_AS type_name CLOSE_PAR                       # e_cast
  ;

case_when : K_WHEN expr K_THEN expr ;

parameter
  : QMARK DIGITS?
  | DOLLAR DIGITS
  ;

literal_value
  : DIGITS
  | NUMERIC_LITERAL
  | STRING_LITERAL
  | BLOB_LITERAL
  | K_NULL
  | K_TRUE
  | K_FALSE
  ;

signed_number : ( PLUS | MINUS )? ( DIGITS | NUMERIC_LITERAL ) ;

// Keywords that may also name things (SQLite is as lenient).
name : type_word | K_GENERATED | K_ALWAYS ;

type_word
  : IDENTIFIER
  | QUOTED_IDENTIFIER
  | K_ACTION | K_AFTER | K_ANALYZE | K_ASC | K_AT | K_BEFORE | K_COLUMN
  | K_CONFLICT | K_DESC | K_DO | K_EACH | K_FAIL | K_FIRST | K_IF | K_IGNORE
  | K_INDEXED | K_INDEXES | K_INSTEAD | K_KEY | K_LAST | K_NOTHING | K_NULLS | K_OF | K_RANGES
  | K_PLAN | K_QUERY | K_RAISE | K_RECURSIVE | K_REINDEX | K_RENAME | K_REPLACE | K_ROW | K_SHOW | K_SPLIT | K_TABLES | K_TEMP | K_TO
  | K_CURRENT | K_EXCLUDE | K_FOLLOWING | K_GROUPS | K_NO | K_OTHERS | K_OVER | K_PARTITION
  | K_PRECEDING | K_RANGE | K_ROWS | K_TIES | K_UNBOUNDED | K_WINDOW | K_SCHEMA | K_FILTER
  | K_TEMPORARY | K_TRANSACTION | K_ABORT | K_VACUUM
  | K_CASCADE | K_DEFERRED | K_EXCLUSIVE | K_IMMEDIATE | K_INITIALLY | K_MATCH | K_RESTRICT
  | K_WITHOUT | K_PRAGMA | K_SAVEPOINT | K_RELEASE | K_STORED | K_VIRTUAL
  ;

// ------------------------------------------------------------------- tokens

SCOL : ';' ;
DOT : '.' ;
OPEN_PAR : '(' ;
CLOSE_PAR : ')' ;
COMMA : ',' ;
ASSIGN : '=' ;
STAR : '*' ;
PLUS : '+' ;
MINUS : '-' ;
TILDE : '~' ;
PIPE2 : '||' ;
ARROW2 : '->>' ;
ARROW : '->' ;
DIV : '/' ;
MOD : '%' ;
LT2 : '<<' ;
GT2 : '>>' ;
AMP : '&' ;
PIPE : '|' ;
LT : '<' ;
LT_EQ : '<=' ;
GT : '>' ;
GT_EQ : '>=' ;
EQ : '==' ;
NOT_EQ1 : '!=' ;
NOT_EQ2 : '<>' ;
QMARK : '?' ;
DOLLAR : '$' ;

K_ABORT : A B O R T ;
K_ACTION : A C T I O N ;
K_ADD : A D D ;
K_AFTER : A F T E R ;
K_AUTOINCREMENT : A U T O I N C R E M E N T ;
K_CASCADE : C A S C A D E ;
K_DEFERRABLE : D E F E R R A B L E ;
K_DEFERRED : D E F E R R E D ;
K_EXCLUSIVE : E X C L U S I V E ;
K_FOREIGN : F O R E I G N ;
K_IMMEDIATE : I M M E D I A T E ;
K_INITIALLY : I N I T I A L L Y ;
K_MATCH : M A T C H ;
K_PRAGMA : P R A G M A ;
K_REFERENCES : R E F E R E N C E S ;
K_RELEASE : R E L E A S E ;
K_SAVEPOINT : S A V E P O I N T ;
K_RESTRICT : R E S T R I C T ;
K_WITHOUT : W I T H O U T ;
K_ALL : A L L ;
K_ALTER : A L T E R ;
K_ANALYZE : A N A L Y Z E ;
K_AND : A N D ;
K_ALWAYS : A L W A Y S ;
K_AS : A S ;
K_ASC : A S C ;
K_AT : A T ;
K_BEFORE : B E F O R E ;
K_BEGIN : B E G I N ;
K_BETWEEN : B E T W E E N ;
K_BY : B Y ;
K_CASE : C A S E ;
K_CAST : C A S T ;
K_COLLATE : C O L L A T E ;
K_CHECK : C H E C K ;
K_COLUMN : C O L U M N ;
K_COMMIT : C O M M I T ;
K_CONFLICT : C O N F L I C T ;
K_CONSTRAINT : C O N S T R A I N T ;
K_CREATE : C R E A T E ;
K_CROSS : C R O S S ;
K_DEFAULT : D E F A U L T ;
K_DELETE : D E L E T E ;
K_DESC : D E S C ;
K_DISTINCT : D I S T I N C T ;
K_DO : D O ;
K_DROP : D R O P ;
K_EACH : E A C H ;
K_ELSE : E L S E ;
K_END : E N D ;
K_ESCAPE : E S C A P E ;
K_EXCEPT : E X C E P T ;
K_EXISTS : E X I S T S ;
K_EXPLAIN : E X P L A I N ;
K_FAIL : F A I L ;
K_FILTER : F I L T E R ;
K_FALSE : F A L S E ;
K_EXCLUDE : E X C L U D E ;
K_FIRST : F I R S T ;
K_FOLLOWING : F O L L O W I N G ;
K_FOR : F O R ;
K_FROM : F R O M ;
K_GLOB : G L O B ;
K_GENERATED : G E N E R A T E D ;
K_GROUP : G R O U P ;
K_GROUPS : G R O U P S ;
K_HAVING : H A V I N G ;
K_IF : I F ;
K_IGNORE : I G N O R E ;
K_IN : I N ;
K_INDEX : I N D E X ;
K_INDEXED : I N D E X E D ;
K_INNER : I N N E R ;
K_INSERT : I N S E R T ;
K_INSTEAD : I N S T E A D ;
K_INTERSECT : I N T E R S E C T ;
K_INTO : I N T O ;
K_IS : I S ;
K_ISNULL : I S N U L L ;
K_JOIN : J O I N ;
K_KEY : K E Y ;
K_LAST : L A S T ;
K_LEFT : L E F T ;
K_RIGHT : R I G H T ;
K_FULL : F U L L ;
K_LIKE : L I K E ;
K_LIMIT : L I M I T ;
K_NATURAL : N A T U R A L ;
K_NO : N O ;
K_NOT : N O T ;
K_NOTHING : N O T H I N G ;
K_NOTNULL : N O T N U L L ;
K_NULL : N U L L ;
K_NULLS : N U L L S ;
K_OF : O F ;
K_OTHERS : O T H E R S ;
K_OVER : O V E R ;
K_OFFSET : O F F S E T ;
K_ON : O N ;
K_OR : O R ;
K_ORDER : O R D E R ;
K_OUTER : O U T E R ;
K_PRIMARY : P R I M A R Y ;
K_RANGES : R A N G E S ;
K_PLAN : P L A N ;
K_QUERY : Q U E R Y ;
K_RAISE : R A I S E ;
K_RECURSIVE : R E C U R S I V E ;
K_REINDEX : R E I N D E X ;
K_REPLACE : R E P L A C E ;
K_RETURNING : R E T U R N I N G ;
K_RENAME : R E N A M E ;
K_ROLLBACK : R O L L B A C K ;
K_ROWS : R O W S ;
K_PARTITION : P A R T I T I O N ;
K_PRECEDING : P R E C E D I N G ;
K_RANGE : R A N G E ;
K_UNBOUNDED : U N B O U N D E D ;
K_WINDOW : W I N D O W ;
K_CURRENT : C U R R E N T ;
K_ROW : R O W ;
K_SELECT : S E L E C T ;
K_SET : S E T ;
K_SHOW : S H O W ;
K_SCHEMA : S C H E M A ;
K_SPLIT : S P L I T ;
K_STORED : S T O R E D ;
K_TABLE : T A B L E ;
K_TABLES : T A B L E S ;
K_INDEXES : I N D E X E S ;
K_TEMP : T E M P ;
K_TIES : T I E S ;
K_TO : T O ;
K_TEMPORARY : T E M P O R A R Y ;
K_THEN : T H E N ;
K_TRANSACTION : T R A N S A C T I O N ;
K_TRIGGER : T R I G G E R ;
K_TRUE : T R U E ;
K_UNION : U N I O N ;
K_UNIQUE : U N I Q U E ;
K_UPDATE : U P D A T E ;
K_USING : U S I N G ;
K_VALUES : V A L U E S ;
K_VACUUM : V A C U U M ;
K_VIEW : V I E W ;
K_VIRTUAL : V I R T U A L ;
K_WHEN : W H E N ;
K_WHERE : W H E R E ;
K_WITH : W I T H ;

IDENTIFIER : [a-zA-Z_] [a-zA-Z_0-9]* ;

QUOTED_IDENTIFIER
  : '"' ( ~'"' | '""' )* '"'
  | '`' ( ~'`' | '``' )* '`'
  | '[' ~']'* ']'
  ;

DIGITS : [0-9]+ ;

NUMERIC_LITERAL
  : [0-9]+ '.' [0-9]* EXPONENT?
  | '.' [0-9]+ EXPONENT?
  | [0-9]+ EXPONENT
  | '0' [xX] [0-9a-fA-F]+
  ;

STRING_LITERAL : '\'' ( ~'\'' | '\'\'' )* '\'' ;

BLOB_LITERAL : [xX] '\'' [0-9a-fA-F]* '\'' ;

LINE_COMMENT : '--' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? ( '*/' | EOF ) -> channel(HIDDEN) ;
SPACES : [ \u000B\t\r\n\f]+ -> channel(HIDDEN) ;

// Anything else is one unexpected character, reported by the parser.
UNEXPECTED_CHAR : . ;

fragment EXPONENT : [eE] [+-]? [0-9]+ ;
fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ;
fragment E : [eE] ; fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ;
fragment I : [iI] ; fragment J : [jJ] ; fragment K : [kK] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment P : [pP] ;
fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ;
fragment Y : [yY] ; fragment Z : [zZ] ;
