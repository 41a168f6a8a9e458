package app

// The finder of the window's translation keys: what the language tests
// (lang_test.go) check the translation files against.

import (
	"go/ast"
	"go/build"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"referraldesk/referral"
)

const langPath = "fyne.io/fyne/v2/lang"

// foreignTables are the other packages' tables whose rows' fields the
// window passes to lang.L (referral.Vocabulary's check box labels). The
// code reading them is not parsed here, so their keys are read from the
// tables themselves.
var foreignTables = map[string]any{
	"referraldesk/referral.Vocabulary": referral.Vocabulary,
}

// uiKeys is what the window passes to lang.L, lang.X, lang.N and lang.XN,
// read from the package's source: each key's English text (for lang.L the
// key itself) and where it is used.
type uiKeys struct {
	english map[string]string
	where   map[string][]string // key → "file:line" of each use
	// untraced are the calls whose key could not be followed back to
	// constants: a key the test cannot see could miss its translation.
	untraced []string
}

// keyFinder follows the arguments of lang's calls back to the string
// constants they can hold: a constant (concatenations too), a function's
// parameter (every call's argument), a variable (every value given to it),
// a struct field (every value put in it by a literal or an assignment), an
// element of a table (the table's elements), a row of another package's
// table (foreignTables).
type keyFinder struct {
	fset  *token.FileSet
	files []*ast.File
	info  *types.Info
	// parents maps each node to the node holding it.
	parents map[ast.Node]ast.Node
	// seen stops following what is being followed already (a recursive
	// function's parameter).
	seen map[any]bool
}

// stubImporter gives each imported package as an empty one: the keys are
// in this package's own source, and type-checking fyne from source would
// take far longer than the test. What lives in an imported package (a
// fyne type, referral.Vocabulary) therefore has no type here.
type stubImporter struct{}

func (stubImporter) Import(p string) (*types.Package, error) {
	name := path.Base(p)
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = path.Base(path.Dir(p)) // fyne.io/fyne/v2 is package fyne
	}
	pkg := types.NewPackage(p, name)
	pkg.MarkComplete()
	return pkg, nil
}

func findUIKeys(t *testing.T) *uiKeys {
	t.Helper()
	bp, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	f := &keyFinder{fset: token.NewFileSet(), parents: map[ast.Node]ast.Node{}, seen: map[any]bool{}}
	for _, name := range bp.GoFiles {
		file, err := parser.ParseFile(f.fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		f.files = append(f.files, file)
	}
	f.info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: stubImporter{}, Error: func(error) {}} // the stubs' missing names are expected
	conf.Check("referraldesk/app", f.fset, f.files, f.info)
	for _, file := range f.files {
		var stack []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			if len(stack) > 0 {
				f.parents[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			return true
		})
	}

	k := &uiKeys{english: map[string]string{}, where: map[string][]string{}}
	f.eachCall(func(call *ast.CallExpr, fn string) {
		at := f.pos(call)
		if len(call.Args) == 0 {
			return
		}
		keys, ok := f.strings(call.Args[0])
		if !ok {
			k.untraced = append(k.untraced, at+": lang."+fn+"("+f.text(call.Args[0])+")")
			return
		}
		// lang.X and lang.XN name the key, then the English text.
		var english []found
		if fn == "X" || fn == "XN" {
			if len(call.Args) < 2 || len(keys) != 1 {
				k.untraced = append(k.untraced, at+": lang."+fn+" with a key that is not one constant")
				return
			}
			english, ok = f.strings(call.Args[1])
			if !ok || len(english) != 1 {
				k.untraced = append(k.untraced, at+": lang."+fn+" with English that is not one constant")
				return
			}
		}
		for _, key := range keys {
			if key.s == "" {
				continue // shows nothing: a table's empty entry
			}
			e := key.s
			if english != nil {
				e = english[0].s
			}
			k.english[key.s] = e
			w := f.posOf(key.at)
			if w != at {
				w += " (lang." + fn + " at " + at + ")"
			}
			if !slices.Contains(k.where[key.s], w) {
				k.where[key.s] = append(k.where[key.s], w)
			}
		}
	})
	return k
}

// eachCall calls do for each call of lang.L, lang.X, lang.N or lang.XN.
func (f *keyFinder) eachCall(do func(call *ast.CallExpr, fn string)) {
	for _, file := range f.files {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := f.info.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == langPath {
					switch sel.Sel.Name {
					case "L", "X", "N", "XN":
						do(call, sel.Sel.Name)
					}
				}
			}
			return true
		})
	}
}

func (f *keyFinder) pos(n ast.Node) string { return f.posOf(n.Pos()) }

func (f *keyFinder) posOf(at token.Pos) string {
	p := f.fset.Position(at)
	return filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
}

func (f *keyFinder) text(e ast.Expr) string {
	return types.ExprString(e)
}

// found is a string constant and where it is written.
type found struct {
	s  string
	at token.Pos
}

// strings returns the string constants e can hold; false when some value
// of e cannot be followed to constants.
func (f *keyFinder) strings(e ast.Expr) ([]found, bool) {
	e = ast.Unparen(e)
	if tv, ok := f.info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() != constant.String {
			return nil, false
		}
		return []found{{constant.StringVal(tv.Value), e.Pos()}}, true
	}
	switch x := e.(type) {
	case *ast.Ident:
		return f.varStrings(f.info.Uses[x])
	case *ast.SelectorExpr:
		if sel, ok := f.info.Selections[x]; ok && sel.Kind() == types.FieldVal {
			return f.fieldStrings(sel.Obj().(*types.Var))
		}
		// A field of a row of another package's table.
		return f.foreignField(x.X, x.Sel.Name)
	case *ast.IndexExpr:
		return f.elements(x.X)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return nil, false
		}
		l, ok1 := f.strings(x.X)
		r, ok2 := f.strings(x.Y)
		var out []found
		for _, a := range l {
			for _, b := range r {
				out = append(out, found{a.s + b.s, a.at})
			}
		}
		return out, ok1 && ok2
	}
	return nil, false
}

// varStrings follows a variable: a parameter to its calls' arguments, any
// other variable to the values given to it.
func (f *keyFinder) varStrings(obj types.Object) ([]found, bool) {
	v, ok := obj.(*types.Var)
	if !ok {
		return nil, false
	}
	if f.seen[v] {
		return nil, true
	}
	f.seen[v] = true
	defer delete(f.seen, v)
	if fn, i, ok := f.paramOf(v); ok {
		return f.argStrings(fn, i)
	}
	var out []found
	traced := true
	add := func(ss []found, ok bool) {
		out = append(out, ss...)
		traced = traced && ok
	}
	f.eachDef(v, func(rhs ast.Expr, elem, commaOK bool) {
		switch {
		case rhs == nil: // declared without a value: ""
		case elem:
			add(f.elements(rhs))
		case commaOK:
			// "v, ok := table[k]" gives an element; "v, ok := x.(T)" and
			// "v, ok := <-c" are not followed.
			if ix, ok := ast.Unparen(rhs).(*ast.IndexExpr); ok {
				add(f.elements(ix.X))
			} else {
				add(nil, false)
			}
		default:
			add(f.strings(rhs))
		}
	})
	return out, traced
}

// eachDef calls do with each value given to v: rhs is the expression, elem
// says v ranges over rhs's elements, commaOK that v is the value of a
// "v, ok := m[k]". A declaration without value gives rhs nil.
func (f *keyFinder) eachDef(v *types.Var, do func(rhs ast.Expr, elem, commaOK bool)) {
	is := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && (f.info.Defs[id] == v || f.info.Uses[id] == v)
	}
	for _, file := range f.files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.AssignStmt:
				for i, l := range s.Lhs {
					if !is(l) {
						continue
					}
					switch {
					case len(s.Rhs) == len(s.Lhs):
						do(s.Rhs[i], false, false)
					case i == 0 && len(s.Rhs) == 1:
						do(s.Rhs[0], false, true)
					default:
						do(&ast.BadExpr{}, false, false) // a function's results: not followed
					}
				}
			case *ast.ValueSpec:
				for i, name := range s.Names {
					if !is(name) {
						continue
					}
					switch {
					case len(s.Values) == 0:
						do(nil, false, false)
					case len(s.Values) == len(s.Names):
						do(s.Values[i], false, false)
					default:
						do(&ast.BadExpr{}, false, false)
					}
				}
			case *ast.FuncType:
				// A function literal's parameter (a declared function's
				// is followed to its calls before this) or a named result.
				for _, fl := range []*ast.FieldList{s.Params, s.Results} {
					if fl == nil {
						continue
					}
					for _, field := range fl.List {
						for _, name := range field.Names {
							if is(name) {
								do(&ast.BadExpr{}, false, false)
							}
						}
					}
				}
			case *ast.RangeStmt:
				if s.Value != nil && is(s.Value) {
					do(s.X, true, false)
				}
				if s.Key != nil && is(s.Key) {
					do(&ast.BadExpr{}, false, false) // an index or a map's key: not followed
				}
			}
			return true
		})
	}
}

// paramOf tells which function declares v as its i-th parameter.
func (f *keyFinder) paramOf(v *types.Var) (*types.Func, int, bool) {
	for _, obj := range f.info.Defs {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		sig := fn.Type().(*types.Signature)
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == v {
				return fn, i, true
			}
		}
	}
	return nil, 0, false
}

// argStrings are the strings every call of fn passes as its i-th argument
// (every argument from i on for a variadic last parameter). A function
// used other than by calling it could be called from anywhere: its
// arguments are not followed.
func (f *keyFinder) argStrings(fn *types.Func, i int) ([]found, bool) {
	var out []found
	traced := true
	sig := fn.Type().(*types.Signature)
	for id, obj := range f.info.Uses {
		if originFunc(obj) != fn {
			continue
		}
		call := f.callOf(id)
		if call == nil {
			return nil, false
		}
		args := call.Args[i:min(i+1, len(call.Args))]
		if sig.Variadic() && i == sig.Params().Len()-1 {
			args = call.Args[i:]
		}
		for _, a := range args {
			ss, ok := f.strings(a)
			out = append(out, ss...)
			traced = traced && ok
		}
	}
	return out, traced
}

func originFunc(obj types.Object) *types.Func {
	if fn, ok := obj.(*types.Func); ok {
		return fn.Origin()
	}
	return nil
}

// callOf returns the call id is the function of, or nil when id names the
// function otherwise (as a value).
func (f *keyFinder) callOf(id *ast.Ident) *ast.CallExpr {
	var n ast.Node = id
	if p, ok := f.parents[n].(*ast.SelectorExpr); ok && p.Sel == id {
		n = p
	}
	for {
		switch p := f.parents[n].(type) {
		case *ast.IndexExpr: // an explicit instance: settingOf[string](…)
			if p.X == n {
				n = p
				continue
			}
		case *ast.IndexListExpr:
			if p.X == n {
				n = p
				continue
			}
		case *ast.ParenExpr:
			n = p
			continue
		case *ast.CallExpr:
			if p.Fun == n {
				return p
			}
		}
		return nil
	}
}

// fieldStrings are the strings put in field by any composite literal of
// its struct (keyed or not) and any assignment to it.
func (f *keyFinder) fieldStrings(field *types.Var) ([]found, bool) {
	field = field.Origin()
	if f.seen[field] {
		return nil, true
	}
	f.seen[field] = true
	defer delete(f.seen, field)
	var out []found
	traced := true
	add := func(e ast.Expr) {
		ss, ok := f.strings(e)
		out = append(out, ss...)
		traced = traced && ok
	}
	for _, file := range f.files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				st := f.literalStruct(x)
				if st == nil {
					return true
				}
				for i, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok && fieldIs(st, id.Name, field) {
							add(kv.Value)
						}
					} else if i < st.NumFields() && st.Field(i).Origin() == field {
						add(el)
					}
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok {
						if s, ok := f.info.Selections[sel]; ok && s.Obj().(*types.Var).Origin() == field {
							if len(x.Rhs) != len(x.Lhs) {
								traced = false
							} else {
								add(x.Rhs[i])
							}
						}
					}
				}
			}
			return true
		})
	}
	return out, traced
}

// literalStruct is the struct type of a composite literal, nil for a
// literal of another kind. A generic struct given a type from an imported
// package (pair[referral.Lang]) has no type here: its literal is read as
// one of the generic struct, named in the literal or in the table holding
// it.
func (f *keyFinder) literalStruct(cl *ast.CompositeLit) *types.Struct {
	if tv, ok := f.info.Types[cl]; ok && tv.Type != nil {
		if st, ok := tv.Type.Underlying().(*types.Struct); ok {
			return st
		}
	}
	typ := cl.Type
	if typ == nil {
		// An element of a table's literal, its type left out.
		var outer ast.Node = f.parents[cl]
		if kv, ok := outer.(*ast.KeyValueExpr); ok && kv.Value == cl {
			outer = f.parents[kv]
		}
		if o, ok := outer.(*ast.CompositeLit); ok {
			switch t := o.Type.(type) {
			case *ast.ArrayType:
				typ = t.Elt
			case *ast.MapType:
				typ = t.Value
			}
		}
	}
	for {
		switch t := typ.(type) {
		case *ast.IndexExpr:
			typ = t.X
			continue
		case *ast.IndexListExpr:
			typ = t.X
			continue
		case *ast.StarExpr:
			typ = t.X
			continue
		case *ast.Ident:
			if tn, ok := f.info.Uses[t].(*types.TypeName); ok {
				if st, ok := tn.Type().Underlying().(*types.Struct); ok {
					return st
				}
			}
		}
		return nil
	}
}

func fieldIs(st *types.Struct, name string, field *types.Var) bool {
	for i := range st.NumFields() {
		if st.Field(i).Name() == name {
			return st.Field(i).Origin() == field
		}
	}
	return false
}

// elements are the strings a table holds: a composite literal's elements
// (a map's values), or a variable's tables.
func (f *keyFinder) elements(e ast.Expr) ([]found, bool) {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.CompositeLit:
		var out []found
		traced := true
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			ss, ok := f.strings(el)
			out = append(out, ss...)
			traced = traced && ok
		}
		return out, traced
	case *ast.Ident:
		v, ok := f.info.Uses[x].(*types.Var)
		if !ok {
			return nil, false
		}
		if f.seen[v] {
			return nil, true
		}
		f.seen[v] = true
		defer delete(f.seen, v)
		var out []found
		traced := true
		f.eachDef(v, func(rhs ast.Expr, elem, commaOK bool) {
			if rhs == nil {
				return
			}
			ss, ok := f.elements(rhs)
			out = append(out, ss...)
			traced = traced && ok && !elem && !commaOK
		})
		return out, traced
	}
	return nil, false
}

// foreignField follows row.name where row is a row of another package's
// table in foreignTables: the field's value in each row.
func (f *keyFinder) foreignField(row ast.Expr, name string) ([]found, bool) {
	id, ok := ast.Unparen(row).(*ast.Ident)
	if !ok {
		return nil, false
	}
	v, ok := f.info.Uses[id].(*types.Var)
	if !ok {
		return nil, false
	}
	var out []found
	traced, given := true, false
	f.eachDef(v, func(rhs ast.Expr, elem, _ bool) {
		given = true
		sel, ok := ast.Unparen(rhs).(*ast.SelectorExpr)
		var table any
		known := false
		if ok && elem {
			if pkg, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := f.info.Uses[pkg].(*types.PkgName); ok {
					table, known = foreignTables[pn.Imported().Path()+"."+sel.Sel.Name]
				}
			}
		}
		if !known {
			traced = false
			return
		}
		rows := reflect.ValueOf(table)
		for i := range rows.Len() {
			fv := rows.Index(i).FieldByName(name)
			if fv.Kind() != reflect.String {
				traced = false
				return
			}
			out = append(out, found{fv.String(), rhs.Pos()})
		}
	})
	return out, traced && given
}
