# theory.mpl: the natural numbers with a doubling operation D, defined by
# recursion: D(0) = 0, D(s(n)) = s(s(D(n))).  Written for lemma's held-out
# evaluation (corpus/eval).  Z3 reads D by the recursion its axioms state
# (model D rec), so lemma refute checks goals that use it.  The syntax is described in lemma-mpl(5).

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


# The laws of + and * that corpus/peano proves (commutativity,
# associativity, distributivity, ...), taken here as axioms so that the
# goals below are about the new operation.
define ArithLaws[N,i0,s,+,*] from "../eval/ArithLaws.mpl";

# D is a function from N to N with D(0) = 0 and D(s(n)) = s(s(D(n))).
define Double[N,i0,s,D] := (&
	(fXY[D,N,N])
	(&
		(in2[i0,i0,D])
		(>[n,m,a,b](&(in2[n,m,s])(&(in2[n,a,D])(in2[a,b,s])))(>[c](in2[b,c,s])(in2[m,c,D])))
	)
);

anchor Doubling[N,i0,s,+,*,i1,i2,D] := (&
	(NaturalNumbers[N,i0,s,+,*])
	(&
		(ArithLaws[N,i0,s,+,*])
		(&
			(&(in2[i0,i1,s])(in2[i1,i2,s]))
			(Double[N,i0,s,D])
		)
	)
);

notation in[x,X] "{x} ∈ {X}";
notation in2[x,y,f] "{f}({x}) = {y}";
notation in3[x,y,z,f] "{x} {f} {y} = {z}";

induction [n,m] (in[n,N]) (in2[n,m,s]) i0;

model N nat;
model i0 0;
model i1 1;
model i2 2;
model s succ;
model + add;
model * mul;
model D rec;
