# theory.mpl: the natural numbers with exponentiation E, defined by
# recursion on the exponent: a^0 = 1, a^s(b) = a^b * a.  Written for lemma's
# held-out evaluation (corpus/eval).  Z3 reads E by the
# recursion its axioms state (model E rec), so lemma refute checks goals
# that use it.  The syntax is described in
# lemma-mpl(5).

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

# E is a function from N x N to N with a E 0 = 1 and a E s(b) = (a E b) * a.
define Power[N,i0,s,*,i1,E] := (&
	(fXYZ[E,N,N,N])
	(&
		(>[a](in[a,N])(in3[a,i0,i1,E]))
		(>[a,b,c,d](&(in3[a,b,c,E])(in2[b,d,s]))(>[e](in3[c,a,e,*])(in3[a,d,e,E])))
	)
);

anchor Powers[N,i0,s,+,*,i1,i2,E] := (&
	(NaturalNumbers[N,i0,s,+,*])
	(&
		(ArithLaws[N,i0,s,+,*])
		(&
			(&(in2[i0,i1,s])(in2[i1,i2,s]))
			(Power[N,i0,s,*,i1,E])
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
model E rec;
