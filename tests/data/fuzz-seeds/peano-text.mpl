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
define NaturalNumbers[N,i0,s,+,*] := (&
	(in[i0,N])
(&
	(fXY[s,N,N])
(&
	(>[a,b,c](&(in2[a,c,s])(in2[b,c,s]))(=[a,b]))
(&
	(>[a](in[a,N])!(in2[a,i0,s]))
(&
	(fXYZ[+,N,N,N])
(&
	(fXYZ[*,N,N,N])
(&
	(>[a](in[a,N])(in3[a,i0,a,+]))
(&
	(>[a,b,c,d](&(in3[a,b,c,+])(in2[b,d,s]))(>[e](in2[c,e,s])(in3[a,d,e,+])))
(&
	(>[a](in[a,N])(in3[a,i0,i0,*]))
	(>[a,b,c,d](&(in3[a,b,c,*])(in2[b,d,s]))(>[e](in3[c,a,e,+])(in3[a,d,e,*])))
)))))))));

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
