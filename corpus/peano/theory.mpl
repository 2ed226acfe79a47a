# theory.mpl: the natural numbers with zero, successor, addition and
# multiplication, written relationally in the style of Generative Logic.
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

# N with zero i0, successor s, sum + and product *; see NaturalNumbers.mpl.
define NaturalNumbers[N,i0,s,+,*] from "NaturalNumbers.mpl";

# The theory's anchor: its parameters become the constants every goal may
# mention, and its body (over those constants) is the axiom.  i1 is one.
anchor Peano[N,i0,s,+,*,i1] := (&
	(NaturalNumbers[N,i0,s,+,*])
	(in2[i0,i1,s])
);

# How the prover and the HTML pages write the primitive relations.
notation in[x,X] "{x} ∈ {X}";
notation in2[x,y,f] "{f}({x}) = {y}";
notation in3[x,y,z,f] "{x} {f} {y} = {z}";

# Induction: the elements n of N are the naturals built from i0 by s, so a
# property of i0 that passes from n to its successor m holds of all of N.
induction [n,m] (in[n,N]) (in2[n,m,s]) i0;

# The arithmetic model, for Z3 (side goals, counterexamples): N is the set
# of naturals, i0 and i1 the numbers 0 and 1, s is x + 1, + and * are sum
# and product.  How in, in2 and in3 read follows from their roles.
model N nat;
model i0 0;
model i1 1;
model s succ;
model + add;
model * mul;
