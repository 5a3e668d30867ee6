console.log("lattice");
