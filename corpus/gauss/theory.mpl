# theory.mpl: the natural numbers of corpus/peano with a finite sum:
# S(n) = 0 + 1 + ... + n, defined by recursion on n (written for lemma).
# The syntax is described in lemma-mpl(5).

# The primitive relations.  in[x,X]: x is an element of the set X.
# in2[x,y,f]: the unary operation f sends x to y.  in3[x,y,z,f]: the binary
# operation f sends (x, y) to z.
relation in[x,X] : (elem, set);
relation in2[x,y,f] : (in, out, op);
relation in3[x,y,z,f] : (in, in, out, op);

# fXY[f,X,Y]: f is a function from X to Y.  Its graph lies in X x Y, every x
# in X has an image in Y, and that image is unique.
define fXY[f,X,Y] := (&
	(>[x,y](in2[x,y,f])(&(in[x,X])(in[y,Y])))
	(&
		(>[x](in[x,X])!(>[y](in[y,Y])!(in2[x,y,f])))
		(>[x,y,z](&(in2[x,y,f])(in2[x,z,f]))(=[y,z]))
	)
);

# fXYZ[f,X,Y,Z]: f is a function from X x Y to Z, in the same three parts.
define fXYZ[f,X,Y,Z] := (&
	(>[x,y,z](in3[x,y,z,f])(&(in[x,X])(&(in[y,Y])(in[z,Z]))))
	(&
		(>[x,y](&(in[x,X])(in[y,Y]))!(>[z](in[z,Z])!(in3[x,y,z,f])))
		(>[x,y,z,w](&(in3[x,y,z,f])(in3[x,y,w,f]))(=[z,w]))
	)
);

# N with zero i0, successor s, sum + and product *: the axioms of
# corpus/peano, read from there.
define NaturalNumbers[N,i0,s,+,*] from "../peano/NaturalNumbers.mpl";

# S is the running sum S(n) = 0 + 1 + ... + n: a function from N to N with
# S(0) = 0 and S(s(n)) = S(n) + s(n).
define RunningSum[N,i0,s,+,S] := (&
	(fXY[S,N,N])
	(&
		(in2[i0,i0,S])
		(>[n,m,a,b](&(in2[n,m,s])(&(in2[n,a,S])(in3[a,m,b,+])))(in2[m,b,S]))
	)
);

# le[x,y,N,+]: x <= y, that is, some p in N has x + p = y (an existential,
# written !(>[p](..)!(..))).  Not part of the axiom: goals and conjectures
# use it (corpus/gauss/order.goals).
define le[x,y,N,+] := !(>[p](in[p,N])!(in3[x,p,y,+]));

anchor Gauss[N,i0,s,+,*,i1,S] := (&
	(NaturalNumbers[N,i0,s,+,*])
	(&
		(in2[i0,i1,s])
		(RunningSum[N,i0,s,+,S])
	)
);

notation in[x,X] "{x} ∈ {X}";
notation in2[x,y,f] "{f}({x}) = {y}";
notation in3[x,y,z,f] "{x} {f} {y} = {z}";
notation le[x,y,N,+] "{x} ≤ {y}";

induction [n,m] (in[n,N]) (in2[n,m,s]) i0;

# The rest reads as in corpus/peano; S, by the recursion of RunningSum
# (lemma refute gives it to Z3 as a recursive function; side goals do not
# use it).
model N nat;
model i0 0;
model i1 1;
model s succ;
model + add;
model * mul;
model S rec;
