# theory.mpl: the natural numbers again, written differently from
# corpus/peano: other names for every relation, definition and constant, and
# addition and multiplication defined by recursion on their FIRST argument
# (0 + b = b, s(a) + b = s(a + b); 0 * b = 0, s(a) * b = a * b + b).  It
# exists to check that nothing in lemma depends on corpus/peano's spelling.
# The syntax is described in lemma-mpl(5).

# elt[x,S]: x is an element of the set S.  app1[x,y,f]: the unary operation
# f sends x to y.  app2[x,y,z,f]: the binary operation f sends (x, y) to z.
relation elt[x,S] : (elem, set);
relation app1[x,y,f] : (in, out, op);
relation app2[x,y,z,f] : (in, in, out, op);

# unary[f,A,B]: f is a total, single-valued operation from A to B.
define unary[f,A,B] := (&
	(>[u,v](app1[u,v,f])(&(elt[u,A])(elt[v,B])))
	(&
		(>[u](elt[u,A])!(>[v](elt[v,B])!(app1[u,v,f])))
		(>[u,v,w](&(app1[u,v,f])(app1[u,w,f]))(=[v,w]))
	)
);

# binary[f,A,B,C]: f is a total, single-valued operation from A x B to C.
define binary[f,A,B,C] := (&
	(>[u,v,w](app2[u,v,w,f])(&(elt[u,A])(&(elt[v,B])(elt[w,C]))))
	(&
		(>[u,v](&(elt[u,A])(elt[v,B]))!(>[w](elt[w,C])!(app2[u,v,w,f])))
		(>[u,v,w,t](&(app2[u,v,w,f])(app2[u,v,t,f]))(=[w,t]))
	)
);

# Nat with zero, succ, add and mul, the operations recursive on the left;
# see Naturals.mpl.
define Naturals[Nat,zero,succ,add,mul] from "Naturals.mpl";

# The anchor: Nat, zero, succ, add, mul and one are the theory's constants.
anchor LeftArith[Nat,zero,succ,add,mul,one] := (&
	(Naturals[Nat,zero,succ,add,mul])
	(app1[zero,one,succ])
);

notation elt[x,S] "{x} ∈ {S}";
notation app1[x,y,f] "{f}({x}) = {y}";
notation app2[x,y,z,f] "{f}({x}, {y}) = {z}";

# Induction: the elements of Nat are built from zero by succ.
induction [k,j] (elt[k,Nat]) (app1[k,j,succ]) zero;

# The arithmetic model, for Z3; elt, app1 and app2 read by their roles.
model Nat nat;
model zero 0;
model one 1;
model succ succ;
model add add;
model mul mul;
