# theory.mpl: the natural numbers a third time, for the held-out evaluation
# of the learned policy (corpus/eval): other names again, and other argument
# orders.  Membership takes the set first, mem[S,x]; the operation relations
# take the operation first and its output before its inputs, ap1[y,x,f]
# (f(x) = y) and ap2[z,x,y,f] (f(x, y) = z).  Addition and multiplication
# recurse on their second argument, as in corpus/peano.  Written for lemma.
# The syntax is described in lemma-mpl(5).

relation mem[S,x] : (set, elem);
relation ap1[y,x,f] : (out, in, op);
relation ap2[z,x,y,f] : (out, in, in, op);

# fun1[f,A,B]: f is a total, single-valued operation from A to B.
define fun1[f,A,B] := (&
	(>[p,q](ap1[q,p,f])(&(mem[A,p])(mem[B,q])))
	(&
		(>[p](mem[A,p])!(>[q](mem[B,q])!(ap1[q,p,f])))
		(>[p,q,r](&(ap1[q,p,f])(ap1[r,p,f]))(=[q,r]))
	)
);

# fun2[f,A,B,C]: f is a total, single-valued operation from A x B to C.
define fun2[f,A,B,C] := (&
	(>[p,q,r](ap2[r,p,q,f])(&(mem[A,p])(&(mem[B,q])(mem[C,r]))))
	(&
		(>[p,q](&(mem[A,p])(mem[B,q]))!(>[r](mem[C,r])!(ap2[r,p,q,f])))
		(>[p,q,r,t](&(ap2[r,p,q,f])(ap2[t,p,q,f]))(=[r,t]))
	)
);

# W with zero o, successor nx, sum pl and product tm: o is in W, nx is
# injective and never o, pl and tm recurse on their second argument.
define Whole[W,o,nx,pl,tm] := (&
	(mem[W,o])
(&
	(fun1[nx,W,W])
(&
	(>[a,b,c](&(ap1[c,a,nx])(ap1[c,b,nx]))(=[a,b]))
(&
	(>[a](mem[W,a])!(ap1[o,a,nx]))
(&
	(fun2[pl,W,W,W])
(&
	(fun2[tm,W,W,W])
(&
	(>[a](mem[W,a])(ap2[a,a,o,pl]))
(&
	(>[a,b,c,d](&(ap2[c,a,b,pl])(ap1[d,b,nx]))(>[e](ap1[e,c,nx])(ap2[e,a,d,pl])))
(&
	(>[a](mem[W,a])(ap2[o,a,o,tm]))
	(>[a,b,c,d](&(ap2[c,a,b,tm])(ap1[d,b,nx]))(>[e](ap2[e,c,a,pl])(ap2[e,a,d,tm])))
)))))))));

# The anchor: W, o, nx, pl, tm and u (one) are the theory's constants.
anchor SwapArith[W,o,nx,pl,tm,u] := (&
	(Whole[W,o,nx,pl,tm])
	(ap1[u,o,nx])
);

notation mem[S,x] "{x} ∈ {S}";
notation ap1[y,x,f] "{f}({x}) = {y}";
notation ap2[z,x,y,f] "{f}({x}, {y}) = {z}";

# Induction: the elements of W are built from o by nx.
induction [n,m] (mem[W,n]) (ap1[m,n,nx]) o;

model W nat;
model o 0;
model u 1;
model nx succ;
model pl add;
model tm mul;
